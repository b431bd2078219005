// Compares one run's measurements with a gate baseline: per metric pass / regressed / missing / new
// / skipped (timings and adapter-specific counts only gate against the same adapter class).
import type { BaselineMetric, GateBaseline, Threshold } from './baseline.ts';
import type { Measurement } from './metric.ts';

/** Quality figures (seeded loss, MAPE) from another adapter class may differ by this much (relative). */
export const CROSS_ADAPTER_QUALITY_REL = 0.05;

export type Verdict =
  | {
      readonly kind: 'pass';
      readonly id: string;
      readonly base: BaselineMetric;
      readonly value: number;
      readonly threshold: Threshold;
    }
  | {
      readonly kind: 'regressed';
      readonly id: string;
      readonly base: BaselineMetric;
      readonly value: number;
      readonly threshold: Threshold;
    }
  | {
      readonly kind: 'noisy';
      readonly id: string;
      readonly base: BaselineMetric;
      readonly value: number;
      readonly threshold: Threshold;
    }
  | { readonly kind: 'missing'; readonly id: string; readonly base: BaselineMetric; readonly reason: string }
  | {
      readonly kind: 'skipped';
      readonly id: string;
      readonly base: BaselineMetric;
      readonly value: number;
      readonly reason: string;
    }
  | { readonly kind: 'new'; readonly id: string; readonly measurement: Measurement };

/** Whether a metric depends on the adapter: timings, and the kernels' dispatch and allocation counts. */
export function adapterDependent(m: Pick<Measurement, 'kind' | 'stage'>): boolean {
  return m.kind === 'timing' || (m.kind === 'count' && m.stage === 'kernels');
}

/** The bound a measurement must stay within, as text: `≤ 1.2`, `≥ 0.75`, `= 4 ± 0`. */
export function limitText(base: BaselineMetric, t: Threshold): string {
  const slack = t.abs + t.rel * Math.abs(base.value);
  if (base.better === 'lower') return `≤ ${fmt(base.value + slack)}`;
  if (base.better === 'higher') return `≥ ${fmt(base.value - slack)}`;
  return `${fmt(base.value)} ± ${fmt(slack)}`;
}

export function fmt(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e5 || a < 1e-3 ? x.toExponential(3) : Number(x.toPrecision(5)).toString();
}

export function withinThreshold(base: BaselineMetric, value: number, t: Threshold): boolean {
  const slack = t.abs + t.rel * Math.abs(base.value);
  if (!Number.isFinite(value)) return false;
  if (base.better === 'lower') return value <= base.value + slack;
  if (base.better === 'higher') return value >= base.value - slack;
  return Math.abs(value - base.value) <= slack;
}

export interface CompareContext {
  readonly adapterClass: string;
  /** Why a stage produced nothing (its metrics are then missing with this reason). */
  readonly stageErrors: ReadonlyMap<string, string>;
  /** Stages this run was asked to measure (`--stages`); baseline metrics of others are skipped, visibly. */
  readonly stages: ReadonlySet<string>;
}

function verdictOf(
  base: BaselineMetric,
  m: Measurement | undefined,
  sameClass: boolean,
  ctx: CompareContext,
  baseClass: string,
): Verdict {
  if (!m && !ctx.stages.has(base.stage))
    return { kind: 'skipped', id: base.id, base, value: Number.NaN, reason: 'stage not selected (--stages)' };
  if (!m)
    return {
      kind: 'missing',
      id: base.id,
      base,
      reason: ctx.stageErrors.get(base.stage) ?? 'not measured by this run',
    };
  if (!sameClass && adapterDependent(base))
    return {
      kind: 'skipped',
      id: base.id,
      base,
      value: m.value,
      reason: `adapter class ${ctx.adapterClass} ≠ baseline's ${baseClass}`,
    };
  const threshold =
    !sameClass && base.kind === 'quality' && base.better === 'exact'
      ? { abs: base.threshold.abs, rel: Math.max(base.threshold.rel, CROSS_ADAPTER_QUALITY_REL) }
      : base.threshold;
  if (withinThreshold(base, m.value, threshold)) return { kind: 'pass', id: base.id, base, value: m.value, threshold };
  return { kind: base.gated ? 'regressed' : 'noisy', id: base.id, base, value: m.value, threshold };
}

/** One verdict per baseline metric, then one `new` per measurement the baseline lacks. */
export function compare(baseline: GateBaseline, run: readonly Measurement[], ctx: CompareContext): Verdict[] {
  const byId = new Map(run.map((m) => [m.id, m]));
  const sameClass = baseline.adapter.class === ctx.adapterClass;
  const verdicts: Verdict[] = baseline.metrics.map((b) =>
    verdictOf(b, byId.get(b.id), sameClass, ctx, baseline.adapter.class),
  );
  const known = new Set(baseline.metrics.map((b) => b.id));
  for (const m of run) if (!known.has(m.id)) verdicts.push({ kind: 'new', id: m.id, measurement: m });
  return verdicts;
}

/** Keeps, per timing metric, the better of two measurements (contention only ever makes runs slower). */
export function keepBest(previous: readonly Measurement[], again: readonly Measurement[]): Measurement[] {
  const better = new Map(again.map((m) => [m.id, m]));
  return previous.map((m) => {
    const b = better.get(m.id);
    if (!b || m.kind !== 'timing') return m;
    const pick = m.better === 'higher' ? Math.max(m.value, b.value) : Math.min(m.value, b.value);
    return { ...m, value: pick };
  });
}
