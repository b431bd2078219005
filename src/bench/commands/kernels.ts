// `bench kernels`: times every WGSL kernel's benchmark cases on one adapter, checks each against
// its plain-TS reference, calibrates against the best matmul, and gates on a committed baseline.
import { ExitCode, UsageError } from '../../core/index.ts';
import { formatAdapter, formatFeatureReport, openGpu, type Gpu } from '../../kernels/index.ts';
import { defineCommand } from '../command.ts';
import { FEATURES_OPTION, featuresChoice } from '../features-flag.ts';
import {
  compareWithBaseline,
  formatComparison,
  readBaseline,
  writeBaseline,
  type Baseline,
} from '../kernels/baseline.ts';
import { loadCases, matchesFilter, type LoadedCase } from '../kernels/load.ts';
import { calibrationCase } from '../kernels/matmul.case.ts';
import { measureCase, type MeasureOptions } from '../kernels/measure.ts';
import {
  calibrationOf,
  formatTable,
  REPORT_SCHEMA,
  toResult,
  UNITS,
  withRemeasured,
  type KernelReport,
  type NamedOutcome,
  type SkippedCase,
} from '../kernels/report.ts';

interface KernelsArgs {
  quick: boolean;
  filter?: string | undefined;
  repeat: number;
  warmup: number;
  'max-seconds': number;
  'min-seconds': number;
  adapter?: string | undefined;
  backend?: string | undefined;
  features?: string | undefined;
  baseline?: string | undefined;
  threshold: number;
  confirm: number;
  'write-baseline'?: string | undefined;
}

function checkArgs(args: KernelsArgs): void {
  if (!Number.isInteger(args.repeat) || args.repeat < 1)
    throw new UsageError('BENCH_BAD_FLAG', `--repeat ${args.repeat}: expected an integer >= 1`);
  if (!Number.isInteger(args.warmup) || args.warmup < 0)
    throw new UsageError('BENCH_BAD_FLAG', `--warmup ${args.warmup}: expected an integer >= 0`);
  if (!(args.threshold > 0 && args.threshold < 1))
    throw new UsageError('BENCH_BAD_FLAG', `--threshold ${args.threshold}: expected a fraction between 0 and 1`);
  if (!(args['max-seconds'] > 0))
    throw new UsageError('BENCH_BAD_FLAG', `--max-seconds ${args['max-seconds']}: expected a number > 0`);
  if (!Number.isInteger(args.confirm) || args.confirm < 0)
    throw new UsageError('BENCH_BAD_FLAG', `--confirm ${args.confirm}: expected an integer >= 0`);
  if (!(args['min-seconds'] >= 0))
    throw new UsageError('BENCH_BAD_FLAG', `--min-seconds ${args['min-seconds']}: expected a number >= 0`);
}

/** The cases --quick and --filter select (checked before a device opens). */
async function selectCases(args: KernelsArgs): Promise<LoadedCase[]> {
  const all = await loadCases();
  const selected = all.filter((l) => (!args.quick || l.case.quick) && matchesFilter(l.case, args.filter));
  if (selected.length === 0) {
    throw new UsageError(
      'BENCH_NO_CASES',
      `--filter '${args.filter ?? ''}'${args.quick ? ' with --quick' : ''} matches no case; cases: ` +
        `${all.map((l) => `${l.case.kernel} ${l.case.shape}`).join(', ')}`,
    );
  }
  return selected;
}

/**
 * The cases this device runs (those whose `requires` it was asked for and got), plus the
 * calibration matmul when none of them is a matmul; the rest are reported as skipped.
 */
function runnableCases(
  gpu: Gpu,
  selected: readonly LoadedCase[],
): { cases: LoadedCase[]; calibrationOnly: boolean; skipped: SkippedCase[] } {
  const runnable: LoadedCase[] = [];
  const skipped: SkippedCase[] = [];
  for (const l of selected) {
    const need = l.case.requires;
    if (!need || gpu.features.granted.includes(need)) runnable.push(l);
    else {
      const reason = gpu.features.requested.includes(need) ? `the adapter lacks '${need}'` : `needs --features ${need}`;
      skipped.push({ kernel: l.case.kernel, shape: l.case.shape, reason });
    }
  }
  const calibrationOnly = !runnable.some((l) => l.case.kernel === 'matmul');
  return {
    cases: calibrationOnly ? [{ file: 'matmul.case.ts', case: calibrationCase }, ...runnable] : runnable,
    calibrationOnly,
    skipped,
  };
}

async function measureAll(gpu: Gpu, cases: readonly LoadedCase[], options: MeasureOptions): Promise<NamedOutcome[]> {
  const outcomes: NamedOutcome[] = [];
  for (const [i, { case: c }] of cases.entries()) {
    process.stderr.write(`[${i + 1}/${cases.length}] ${c.kernel} ${c.shape} …\n`);
    const outcome = await measureCase(gpu, c, options);
    if (outcome.kind === 'failed') process.stderr.write(`  failed: ${outcome.error}\n`);
    outcomes.push({ kernel: c.kernel, shape: c.shape, quick: c.quick, outcome });
  }
  return outcomes;
}

function buildReport(
  gpu: Gpu,
  outcomes: readonly NamedOutcome[],
  calibrationOnly: boolean,
  skipped: readonly SkippedCase[],
): KernelReport {
  const calibration = calibrationOf(outcomes);
  // A calibration run the user did not ask for is not reported as a result of its own.
  const shown = calibrationOnly ? outcomes.slice(1) : outcomes;
  return {
    schema: REPORT_SCHEMA,
    createdAt: new Date().toISOString(),
    adapter: { ...gpu.adapter, backend: gpu.backend },
    ...(gpu.features.requested.length ? { features: gpu.features } : {}),
    ...(skipped.length ? { skipped } : {}),
    calibration,
    units: UNITS,
    results: shown.map((o) => toResult(o, calibration)),
  };
}

/**
 * Re-measures cases that look regressed against `baseline` (up to `rounds` times), keeping each
 * case's best ratio: a real regression persists, a burst of contention on a shared machine does not.
 * Each round re-measures the calibration's matmul too, and its cases' ratios are to that round's
 * calibration: against the first round's, a slow first calibration let a re-measured case pass a
 * baseline it missed (docs/measurements.md, "Kernels: each re-measured round has its own calibration").
 */
async function confirmRegressions(
  gpu: Gpu,
  report: KernelReport,
  baseline: Baseline,
  cases: readonly LoadedCase[],
  args: KernelsArgs,
  options: MeasureOptions,
): Promise<KernelReport> {
  let current = report;
  for (let round = 1; round <= args.confirm; round++) {
    const regressed = compareWithBaseline(current, baseline, args.threshold).filter((c) => c.kind === 'regressed');
    if (regressed.length === 0) break;
    process.stderr.write(
      `re-measuring ${regressed.length} case(s) below the baseline to confirm (round ${round}/${args.confirm})\n`,
    );
    const calibrating = (l: LoadedCase) => l.case.kernel === 'matmul' && l.case.shape === current.calibration?.shape;
    const again = cases.filter(
      (l) => calibrating(l) || regressed.some((r) => r.kernel === l.case.kernel && r.shape === l.case.shape),
    );
    current = withRemeasured(current, await measureAll(gpu, again, options));
  }
  return current;
}

/** Exit status: 1 when a case failed, left its tolerance, or regressed against the baseline. */
function gate(report: KernelReport, baseline: Baseline | undefined, args: KernelsArgs): number {
  let exit: number = ExitCode.ok;
  if (report.results.some((r) => r.kind === 'failed' || !r.withinTolerance)) exit = ExitCode.failed;
  if (baseline) {
    const comparisons = compareWithBaseline(report, baseline, args.threshold);
    process.stderr.write(`${formatComparison(comparisons, args.threshold)}\n`);
    if (comparisons.some((c) => c.kind === 'regressed')) exit = ExitCode.failed;
  }
  return exit;
}

export default defineCommand({
  command: 'kernels',
  describe: 'Benchmark the WGSL kernels: median time, GFLOP/s or GB/s, error vs reference, ratio to the best matmul',
  builder: (y) =>
    y
      .option('quick', { type: 'boolean', default: false, describe: 'Only the quick suite (what CI gates on)' })
      .option('filter', {
        type: 'string',
        describe: 'Only cases whose "kernel shape" contains this text (case-insensitive)',
      })
      .option('repeat', { type: 'number', default: 7, describe: 'Timed runs per case (median reported)' })
      .option('warmup', { type: 'number', default: 2, describe: 'Untimed runs per case before timing' })
      .option('min-seconds', {
        type: 'number',
        default: 1,
        describe: 'Keep repeating short cases until this much timing (max 1000 runs)',
      })
      .option('max-seconds', {
        type: 'number',
        default: 20,
        describe: 'Stop repeating a case after this much timing (>= 3 runs)',
      })
      .option('adapter', {
        type: 'string',
        describe: 'Adapter name substring, e.g. llvmpipe or H100 (see bench adapters)',
      })
      .option('backend', { type: 'string', describe: 'Dawn backend: vulkan, metal, d3d12, …' })
      .option('features', FEATURES_OPTION)
      .option('baseline', { type: 'string', describe: 'Baseline JSON to compare ratios with; exit 1 on a regression' })
      .option('threshold', {
        type: 'number',
        default: 0.5,
        describe: 'Regression = best-run ratio more than this fraction below the baseline',
      })
      .option('confirm', {
        type: 'number',
        default: 2,
        describe: 'Re-measure apparent regressions up to this many times before failing',
      })
      .option('write-baseline', { type: 'string', describe: "Write this run's ratios as a baseline file" }),
  run: async (args) => {
    checkArgs(args);
    const baseline = args.baseline ? readBaseline(args.baseline) : undefined; // bad file → exit 2 before measuring
    const choice = featuresChoice(args.features); // a bad --features → exit 2 before measuring
    const selected = await selectCases(args);
    const gpu = await openGpu({
      ...(args.adapter ? { name: args.adapter } : {}),
      ...(args.backend ? { backend: args.backend } : {}),
      ...choice,
    });
    try {
      process.stderr.write(`adapter: ${formatAdapter(gpu.adapter)}\n`);
      if (choice.features) process.stderr.write(`${formatFeatureReport(gpu.features)}\n`);
      const { cases, calibrationOnly, skipped } = runnableCases(gpu, selected);
      for (const s of skipped) process.stderr.write(`skipped: ${s.kernel} ${s.shape}: ${s.reason}\n`);
      const options = {
        warmup: args.warmup,
        repeat: args.repeat,
        minSeconds: args['min-seconds'],
        maxSeconds: args['max-seconds'],
      };
      let report = buildReport(gpu, await measureAll(gpu, cases, options), calibrationOnly, skipped);
      if (baseline) report = await confirmRegressions(gpu, report, baseline, cases, args, options);
      process.stderr.write(`${formatTable(report)}\n`);
      if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (args['write-baseline']) writeBaseline(args['write-baseline'], report);
      return gate(report, baseline, args);
    } finally {
      gpu.destroy();
    }
  },
});
