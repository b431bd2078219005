// Turns measured cases into the `bench kernels` report: median and spread, GFLOP/s or GB/s,
// the calibration (best matmul GFLOP/s of this run) with each kernel's ratio to it, and a table.
import type { AdapterDescription, FeatureReport, TimingMethod } from '../../kernels/index.ts';
import type { CaseOutcome } from './measure.ts';

export const REPORT_SCHEMA = 'wattring.bench.kernels/1';

/** Units of every numeric field of a measured result, written into the JSON. */
export const UNITS = {
  medianMs: 'ms',
  minMs: 'ms',
  maxMs: 'ms',
  spreadPct: '% of median (interquartile range)',
  cpuMsPerRun: 'ms of process CPU time (all threads) per timed run',
  gflops: 'GFLOP/s',
  gbps: 'GB/s',
  ratio: 'throughput ÷ calibration GFLOP/s (GFLOP/s ÷ GFLOP/s, or GB/s ÷ GFLOP/s for memory-bound kernels), medians',
  ratioBest: "as ratio, from each case's fastest run (what --baseline compares: contention only adds time)",
  maxAbsError: 'absolute, vs the plain-TS reference',
  allocatedBytes: 'bytes of GPU memory the case allocated',
} as const;

export type KernelResult =
  | {
      readonly kind: 'measured';
      readonly kernel: string;
      readonly shape: string;
      readonly quick: boolean;
      readonly timing: TimingMethod;
      readonly runs: number;
      readonly medianMs: number;
      readonly minMs: number;
      readonly maxMs: number;
      readonly spreadPct: number;
      readonly cpuMsPerRun: number;
      /** Present when the kernel does floating-point work (flops > 0). */
      readonly gflops?: number;
      readonly gbps: number;
      readonly ratio: number;
      readonly ratioBest: number;
      readonly maxAbsError: number;
      readonly withinTolerance: boolean;
      readonly allocatedBytes: number;
    }
  | {
      readonly kind: 'failed';
      readonly kernel: string;
      readonly shape: string;
      readonly quick: boolean;
      readonly error: string;
    };

export interface Calibration {
  readonly kernel: 'matmul';
  readonly shape: string;
  /** From the median run. */
  readonly gflops: number;
  /** Best matmul GFLOP/s from any case's fastest run (denominator of ratioBest). */
  readonly gflopsBest: number;
}

export interface KernelReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly createdAt: string;
  readonly adapter: AdapterDescription & { readonly backend: string };
  /** What `--features` asked for and got (absent without the flag). */
  readonly features?: FeatureReport;
  /** Selected cases that did not run because the device lacks the feature they need. */
  readonly skipped?: readonly SkippedCase[];
  readonly calibration: Calibration | null;
  readonly units: typeof UNITS;
  readonly results: readonly KernelResult[];
}

export interface SkippedCase {
  readonly kernel: string;
  readonly shape: string;
  readonly reason: string;
}

export interface NamedOutcome {
  readonly kernel: string;
  readonly shape: string;
  readonly quick: boolean;
  readonly outcome: CaseOutcome;
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Best matmul GFLOP/s among the measured outcomes (null when none ran). */
export function calibrationOf(outcomes: readonly NamedOutcome[]): Calibration | null {
  let best: { shape: string; gflops: number } | null = null;
  let gflopsBest = 0;
  for (const o of outcomes) {
    if (o.kernel !== 'matmul' || o.outcome.kind !== 'measured') continue;
    const sorted = [...o.outcome.timings.seconds].sort((x, y) => x - y);
    const gflops = o.outcome.flops / quantile(sorted, 0.5) / 1e9;
    // A run below the clock's resolution reads 0 s: infinitely fast, so no yardstick.
    if (!Number.isFinite(gflops)) continue;
    gflopsBest = Math.max(gflopsBest, o.outcome.flops / (sorted[0] ?? Number.NaN) / 1e9);
    if (!best || gflops > best.gflops) best = { shape: o.shape, gflops };
  }
  return best && { kernel: 'matmul', shape: best.shape, gflops: best.gflops, gflopsBest };
}

/** One result row: statistics over the timed runs and the ratio to the calibration. */
export function toResult(o: NamedOutcome, calibration: Calibration | null): KernelResult {
  const { kernel, shape, quick, outcome } = o;
  if (outcome.kind === 'failed') return { kind: 'failed', kernel, shape, quick, error: outcome.error };
  const sorted = [...outcome.timings.seconds].sort((x, y) => x - y);
  const median = quantile(sorted, 0.5);
  const gflops = outcome.flops > 0 ? outcome.flops / median / 1e9 : undefined;
  const gbps = outcome.bytes / median / 1e9;
  return {
    kind: 'measured',
    kernel,
    shape,
    quick,
    timing: outcome.timings.method,
    runs: sorted.length,
    medianMs: median * 1e3,
    minMs: (sorted[0] ?? Number.NaN) * 1e3,
    maxMs: (sorted[sorted.length - 1] ?? Number.NaN) * 1e3,
    spreadPct: ((quantile(sorted, 0.75) - quantile(sorted, 0.25)) / median) * 100,
    cpuMsPerRun: outcome.timings.cpuSecondsPerRun * 1e3,
    ...(gflops === undefined ? {} : { gflops }),
    gbps,
    ratio: calibration ? (gflops ?? gbps) / calibration.gflops : Number.NaN,
    ratioBest: calibration
      ? throughputAt(outcome.flops, outcome.bytes, sorted[0] ?? Number.NaN) / calibration.gflopsBest
      : Number.NaN,
    maxAbsError: outcome.maxAbsError,
    withinTolerance: outcome.withinTolerance,
    allocatedBytes: outcome.allocatedBytes,
  };
}

/** GFLOP/s when the kernel does flops, else GB/s, for a run of `seconds`. */
function throughputAt(flops: number, bytes: number, seconds: number): number {
  return (flops > 0 ? flops : bytes) / seconds / 1e9;
}

const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

function row(r: KernelResult): string[] {
  if (r.kind === 'failed') return [r.kernel, r.shape, 'FAILED', '', '', '', '', '', '', r.error];
  const speed = r.gflops !== undefined ? `${fmt(r.gflops, 2)} GFLOP/s` : `${fmt(r.gbps, 2)} GB/s`;
  return [
    r.kernel,
    r.shape,
    r.timing === 'timestamp-query' ? 'gpu' : 'wall',
    `${fmt(r.medianMs, 2)} ms`,
    `±${fmt(r.spreadPct, 0)}%`,
    `${fmt(r.cpuMsPerRun, 1)} ms`,
    speed,
    fmt(r.ratio, 3),
    r.maxAbsError.toExponential(1),
    `${r.withinTolerance ? 'ok' : 'OUT OF TOLERANCE'} ${(r.allocatedBytes / 2 ** 20).toFixed(1)} MiB`,
  ];
}

/** The human table for stderr. */
export function formatTable(report: KernelReport): string {
  const header = [
    'kernel',
    'shape',
    'clock',
    'median',
    'IQR',
    'cpu/run',
    'throughput',
    'ratio',
    'max err',
    'check / memory',
  ];
  const rows = [header, ...report.results.map(row)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const cal = report.calibration;
  const calLine = cal
    ? `calibration: matmul ${cal.shape} = ${fmt(cal.gflops, 2)} GFLOP/s (ratio 1.0)`
    : 'calibration: none (no matmul ran)';
  return [
    `adapter: ${report.adapter.description || report.adapter.device} (${report.adapter.backend})`,
    calLine,
    ...lines,
  ].join('\n');
}

/**
 * The report with re-measured cases folded in: per case the result with the higher ratioBest
 * is kept. Re-measured ratios are to the calibration among `outcomes` (the same round's matmul)
 * when it holds one, else to the report's. The report's calibration field stays the first round's.
 * Used to confirm an apparent regression before failing.
 */
export function withRemeasured(report: KernelReport, outcomes: readonly NamedOutcome[]): KernelReport {
  const calibration = calibrationOf(outcomes) ?? report.calibration;
  const results = report.results.map((r) => {
    const again = outcomes.find((o) => o.kernel === r.kernel && o.shape === r.shape);
    if (!again) return r;
    const fresh = toResult(again, calibration);
    if (fresh.kind !== 'measured') return r;
    return r.kind === 'failed' || fresh.ratioBest > r.ratioBest ? fresh : r;
  });
  return { ...report, results };
}
