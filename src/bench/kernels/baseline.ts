// The regression gate of `bench kernels --baseline`: compares each kernel's ratio to the in-run
// calibration with a committed baseline (ratios, not seconds, so a slower machine is not a regression).
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../../core/index.ts';
import type { KernelReport } from './report.ts';

export const BASELINE_SCHEMA = 'wattring.bench.kernels.baseline/1';

export interface BaselineEntry {
  readonly kernel: string;
  readonly shape: string;
  /** The report's ratioBest: fastest-run throughput ÷ best calibration GFLOP/s. */
  readonly ratio: number;
}

export interface Baseline {
  readonly schema: typeof BASELINE_SCHEMA;
  readonly createdAt: string;
  readonly adapter: string;
  readonly calibration: string;
  readonly results: readonly BaselineEntry[];
}

export type Comparison =
  | {
      readonly kind: 'ok';
      readonly kernel: string;
      readonly shape: string;
      readonly ratio: number;
      readonly baseline: number;
      readonly change: number;
    }
  | {
      readonly kind: 'regressed';
      readonly kernel: string;
      readonly shape: string;
      readonly ratio: number;
      readonly baseline: number;
      readonly change: number;
    }
  | { readonly kind: 'missing'; readonly kernel: string; readonly shape: string; readonly reason: string };

const baselineSchema = z.object({
  schema: z.literal(BASELINE_SCHEMA),
  createdAt: z.string(),
  adapter: z.string(),
  calibration: z.string(),
  results: z.array(z.object({ kernel: z.string(), shape: z.string(), ratio: z.number().positive() })),
});

/** `results[3].ratio` style path of a validation issue. */
function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(root)';
}

/** Reads and validates a baseline file; errors name the file and the field. */
export function readBaseline(file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      'BENCH_BAD_BASELINE',
      `--baseline ${file}: cannot read JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const parsed = baselineSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      'BENCH_BAD_BASELINE',
      `--baseline ${file}: ${issue ? `${issuePath(issue.path)}: ${issue.message}` : 'invalid'}` +
        ` (expected schema '${BASELINE_SCHEMA}')`,
    );
  }
  return parsed.data;
}

/** The baseline this report would produce (measured, in-tolerance results only). */
export function baselineFrom(report: KernelReport): Baseline {
  const results: BaselineEntry[] = [];
  for (const r of report.results) {
    if (r.kind === 'measured' && r.withinTolerance && Number.isFinite(r.ratioBest))
      results.push({ kernel: r.kernel, shape: r.shape, ratio: r.ratioBest });
  }
  return {
    schema: BASELINE_SCHEMA,
    createdAt: report.createdAt,
    adapter: report.adapter.description || report.adapter.device,
    calibration: report.calibration ? `matmul ${report.calibration.shape}` : 'none',
    results,
  };
}

export function writeBaseline(file: string, report: KernelReport): void {
  writeFileSync(file, `${JSON.stringify(baselineFrom(report), null, 2)}\n`);
}

/**
 * Each baseline entry against this run: regressed when ratioBest < baseline · (1 − threshold).
 * Fastest runs, not medians: on a shared machine contention only ever adds time.
 */
export function compareWithBaseline(report: KernelReport, baseline: Baseline, threshold: number): Comparison[] {
  return baseline.results.map((entry) => {
    const { kernel, shape } = entry;
    const r = report.results.find((x) => x.kernel === kernel && x.shape === shape);
    if (!r) return { kind: 'missing', kernel, shape, reason: 'not run (filtered out or removed)' };
    if (r.kind === 'failed') return { kind: 'missing', kernel, shape, reason: `failed: ${r.error}` };
    const change = r.ratioBest / entry.ratio - 1;
    const kind = r.ratioBest < entry.ratio * (1 - threshold) ? 'regressed' : 'ok';
    return { kind, kernel, shape, ratio: r.ratioBest, baseline: entry.ratio, change };
  });
}

export function formatComparison(comparisons: readonly Comparison[], threshold: number): string {
  const lines = comparisons.map((c) =>
    c.kind === 'missing'
      ? `  ${c.kernel} ${c.shape}: ${c.reason}`
      : `  ${c.kind === 'regressed' ? 'REGRESSED' : 'ok       '} ${c.kernel} ${c.shape}: ` +
        `ratio ${c.ratio.toFixed(3)} vs ${c.baseline.toFixed(3)} (${(c.change * 100).toFixed(0)}%)`,
  );
  return [
    `baseline comparison (regression = ratio more than ${(threshold * 100).toFixed(0)}% below baseline):`,
    ...lines,
  ].join('\n');
}
