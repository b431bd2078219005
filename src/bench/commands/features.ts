// `bench features`: builds the leak-free feature store from raw Arrow files and reports
// features, rows, windows per split and throughput.
import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../../core/index.ts';
import {
  ANOMALY_CLASSES,
  buildFeatureStore,
  DEFAULT_GAPS,
  GAP_FILLS,
  measureWindowIteration,
  type BuildSummary,
  type GapFill,
  type IterationReport,
  DEFAULT_DF_PUBLICATION,
} from '../../features/index.ts';
import { defineCommand } from '../command.ts';

interface FeaturesArgs {
  in: string[];
  out: string;
  split: string;
  'seq-len': number;
  stride: number;
  horizon: number;
  'short-gap-hours': number;
  fill: GapFill;
  'df-lead-hours': number;
}

export default defineCommand<FeaturesArgs>({
  command: 'features',
  describe: 'Build the feature store (Arrow + metadata) and its training windows from raw Arrow files',
  builder: (y: Argv) =>
    y
      .option('in', {
        type: 'string',
        array: true,
        demandOption: true,
        describe:
          'Folder(s) of raw *.arrow files written by bench extract: EIA, and CAISO beside it (repeat --in, or one ' +
          'folder holding both)',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'Feature store folder to write (replaced atomically if it is a store)',
      })
      .option('split', {
        type: 'string',
        demandOption: true,
        describe: 'Train,validation,test date ranges, inclusive, UTC: A..B,C..D,E..F',
      })
      .option('seq-len', { type: 'number', default: 8760, describe: 'Input hours per window' })
      .option('stride', { type: 'number', default: 24, describe: 'Hours between window starts' })
      .option('horizon', { type: 'number', default: 24, describe: 'Target hours after each window (next-day demand)' })
      .option('short-gap-hours', {
        type: 'number',
        default: DEFAULT_GAPS.shortGapHours,
        describe:
          'The first N missing hours of a gap are short (fillable); later hours are a long gap no window crosses',
      })
      .option('fill', {
        choices: GAP_FILLS,
        default: DEFAULT_GAPS.fill,
        describe:
          'How short-gap hours are filled (flagged in demand_filled): value 24 h earlier, last value, or left masked',
      })
      .option('df-lead-hours', {
        type: 'number',
        default: DEFAULT_DF_PUBLICATION.hoursBeforeLocalDay,
        describe:
          "DF of a BA's local (standard-time) day counts as known this many hours before the day begins " +
          '(14 = 10:00 local the day before; -24..168); written to metadata.json as dfPublication',
      })
      .example(
        '$0 features --in raw --out store --split ' +
          '2019-01-01..2023-12-31,2024-01-01..2024-06-30,2024-07-01..2024-12-31 --json',
        '',
      ),
  run: async (args) => {
    checkArgs(args);
    const { store, summary } = buildFeatureStore({
      input: args.in.length === 1 ? (args.in[0] ?? '') : args.in,
      output: args.out,
      splits: args.split,
      window: { seqLen: args['seq-len'], stride: args.stride, horizon: args.horizon },
      gaps: { shortGapHours: args['short-gap-hours'], fill: args.fill },
      dfPublication: { rule: 'local-day-ahead', hoursBeforeLocalDay: args['df-lead-hours'] },
      onProgress: (m) => process.stderr.write(`features: ${m}\n`),
    });
    process.stderr.write(anomalyTable(summary));
    for (const line of summary.warnings) process.stderr.write(`features: warning: ${line}\n`);
    const iterate = measureWindowIteration(store);
    process.stdout.write(
      args.json ? `${JSON.stringify({ ...summary, iterate }, null, 2)}\n` : humanSummary(summary, iterate),
    );
    return iterate.copiedWindows === 0 ? ExitCode.ok : ExitCode.failed;
  },
});

/**
 * Re-checks what yargs validates: the shared CLI's fail handler reports a bad flag but still runs
 * the command, so a bad --fill or a missing --in must stop here with a UsageError (exit 2).
 */
function checkArgs(args: FeaturesArgs): void {
  for (const flag of ['out', 'split'] as const) {
    if (typeof args[flag] !== 'string' || args[flag] === '')
      throw new UsageError('FEATURES_BAD_FLAG', `--${flag} is required`);
  }
  if (!Array.isArray(args.in) || args.in.length === 0 || args.in.some((d) => typeof d !== 'string' || d === '')) {
    throw new UsageError(
      'FEATURES_BAD_FLAG',
      '--in is required: a folder of raw *.arrow files (repeat --in for several)',
    );
  }
  if (!GAP_FILLS.includes(args.fill)) {
    throw new UsageError('FEATURES_BAD_FLAG', `--fill ${String(args.fill)}: expected one of ${GAP_FILLS.join(', ')}`);
  }
}

/** Hours flagged by screening, per respondent and class, demand then DF (docs/features.md, "Screening"). */
function anomalyTable(s: BuildSummary): string {
  const head = ['respondent', 'series', ...ANOMALY_CLASSES, 'total'];
  const rows = Object.entries(s.anomalies).flatMap(([code, a]) =>
    (['demand', 'df'] as const).map((series) => {
      const counts = ANOMALY_CLASSES.map((c) => a[series][c]);
      return [code, series === 'demand' ? 'D' : 'DF', ...counts.map(String), String(counts.reduce((x, y) => x + y, 0))];
    }),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `features:   ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}\n`;
  const title = 'features: screening flagged (hours per class; flagged hours are masked and filled, never targets):\n';
  return title + line(head) + rows.map(line).join('');
}

function humanSummary(s: BuildSummary, it: IterationReport): string {
  return [
    `feature store ${s.output}`,
    `  features     ${s.features}`,
    `  respondents  ${s.respondents.join(', ')}`,
    `  raw rows     ${s.rawRows} from ${s.inputFiles} files`,
    `  store rows   ${s.rows} (${s.maskedRows} masked)`,
    `  windows      train ${s.windows.train}, validation ${s.windows.validation}, test ${s.windows.test}`,
    `  time         ${s.seconds.total.toFixed(2)} s (read ${s.seconds.read.toFixed(2)}, features ` +
      `${s.seconds.features.toFixed(2)}, write ${s.seconds.write.toFixed(2)}); CPU ${s.cpuSeconds.toFixed(2)} s`,
    `  throughput   ${Math.round(s.rawRowsPerSecond)} raw rows/s, ${Math.round(s.rowsPerSecond)} store rows/s`,
    `  iterate      ${it.windows} windows in ${it.seconds.toFixed(3)} s; ArrayBuffer bytes allocated ` +
      `${it.arrayBufferBytesAllocated} ` +
      `(copying would take ${it.bytesIfCopied}); copied windows ${it.copiedWindows}`,
    '',
  ].join('\n');
}
