// Gate baselines under bench/baselines/: the machine and adapter they were measured on, the date,
// and per metric its value, its spread over the runs and the threshold chosen from that spread.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { median, UsageError, writeFileAtomicSync } from '../../core/index.ts';
import { DIRECTIONS, GATE_STAGES, METRIC_KINDS, type Measurement } from './metric.ts';

export const BASELINE_SCHEMA = 'wattring.bench.gate.baseline/1';

const ThresholdSchema = z.object({ abs: z.number().nonnegative(), rel: z.number().nonnegative() });
const BaselineMetricSchema = z.object({
  id: z.string().min(1),
  stage: z.enum(GATE_STAGES),
  kind: z.enum(METRIC_KINDS),
  unit: z.string(),
  better: z.enum(DIRECTIONS),
  value: z.number(),
  threshold: ThresholdSchema,
  /** (max − min) / |median| over the baseline's runs. */
  spread: z.number().nonnegative(),
  /** false for a timing whose runs spread too widely to gate (3 × spread > the maximum threshold): reported only. */
  gated: z.boolean(),
  samples: z.array(z.number()).min(1),
});
const BaselineSchema = z.object({
  schema: z.literal(BASELINE_SCHEMA),
  createdAt: z.string().min(1),
  machine: z.object({
    hostname: z.string(),
    cpu: z.string(),
    cores: z.number().int().positive(),
    node: z.string(),
    platform: z.string(),
  }),
  adapter: z.object({ description: z.string().min(1), class: z.string().min(1) }),
  runs: z.number().int().positive(),
  metrics: z.array(BaselineMetricSchema).min(1),
});
export type GateBaseline = z.infer<typeof BaselineSchema>;
export type BaselineMetric = z.infer<typeof BaselineMetricSchema>;
export type Threshold = z.infer<typeof ThresholdSchema>;

export class GateBaselineError extends UsageError {}

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  return `${file}: field ${path || '(root)'}: ${issue.message}`;
}

/** Reads and validates a baseline; every failure names the file and, for content, the field. */
export function readGateBaseline(file: string): GateBaseline {
  if (!existsSync(file))
    throw new GateBaselineError(
      'GATE_BASELINE_MISSING',
      `${file}: baseline file not found; create it with bench gate --write-baseline --baseline ${file}`,
    );
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GateBaselineError(
      'GATE_BASELINE_JSON',
      `${file}: not valid JSON (${error instanceof Error ? error.message : String(error)}); fix it or rewrite it ` +
        `with --write-baseline`,
    );
  }
  const parsed = BaselineSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => describeIssue(file, i));
    throw new GateBaselineError(
      'GATE_BASELINE_SCHEMA',
      `${issues.join('; ')} (schema ${BASELINE_SCHEMA}); fix it or rewrite it with --write-baseline`,
    );
  }
  return parsed.data;
}

/** Writes atomically (core's writeFileAtomicSync), so a failed write never leaves half a baseline. */
export function writeGateBaseline(file: string, baseline: GateBaseline): void {
  writeFileAtomicSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
}

/** Floors of each threshold and the factor on the observed spread (see docs/gate.md). */
export const THRESHOLD_RULES = {
  /** Timings: at least 25 % and 3× the spread of the baseline's runs; past 60 % the timing is reported, not gated. */
  timing: { minRel: 0.25, spreadFactor: 3, maxRel: 0.6 },
  /** Seeded losses and MAPE: deterministic on one adapter; 1e-3 relative or 4× any spread seen. */
  quality: { minRel: 1e-3, spreadFactor: 4 },
  /** Kernel error vs reference: may double (rounding moves with the schedule) plus 1e-6. */
  error: { abs: 1e-6, rel: 1 },
} as const;

/**
 * The threshold of one metric from its samples over the baseline runs. On a CPU adapter no timing
 * is gated, whatever its spread: that adapter runs on a machine shared with other work, and its
 * timings drift by more than any useful threshold between a baseline and a later run, even the
 * adapter threads' CPU time (docs/measurements.md, "Gate: no timing gated on a CPU adapter").
 * They are measured and reported; counts and quality gate. With a GPU adapter, timings are gated by their spread.
 */
export function thresholdFor(
  m: Measurement,
  samples: readonly number[],
  cpuAdapter = false,
): { value: number; spread: number; threshold: Threshold; gated: boolean } {
  const value = median(samples);
  const range = Math.max(...samples) - Math.min(...samples);
  const spread = value === 0 ? (range === 0 ? 0 : Number.POSITIVE_INFINITY) : range / Math.abs(value);
  if (m.kind === 'timing') {
    const t = THRESHOLD_RULES.timing;
    const quietEnough = t.spreadFactor * spread <= t.maxRel;
    return {
      value,
      spread,
      threshold: { abs: 0, rel: Math.min(t.maxRel, Math.max(t.minRel, t.spreadFactor * spread)) },
      gated: quietEnough && !cpuAdapter,
    };
  }
  if (m.kind === 'quality' && m.better === 'lower')
    return { value: Math.max(...samples), spread, threshold: { ...THRESHOLD_RULES.error }, gated: true };
  if (m.kind === 'quality')
    return {
      value,
      spread,
      threshold: {
        abs: 0,
        rel: Math.max(THRESHOLD_RULES.quality.minRel, THRESHOLD_RULES.quality.spreadFactor * spread),
      },
      gated: true,
    };
  // counts: exact unless the runs themselves differed; then twice the range seen
  return {
    value: m.better === 'lower' ? Math.max(...samples) : value,
    spread,
    threshold: { abs: Math.max(2 * range, m.minAbs ?? 0), rel: 0 },
    gated: true,
  };
}
