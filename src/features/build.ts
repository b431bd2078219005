// Builds a feature store from a folder of raw Arrow files: read → hourly grids → features →
// train-only normalisation → windows → atomic write. Returns the store in memory and a summary.
import { performance } from 'node:perf_hooks';
import { UsageError } from '../core/index.ts';
import { computeFeatures, type RespondentFeatures } from './compute.ts';
import { featureSpecs, type FeatureSpec } from './feature-spec.ts';
import { DEFAULT_GAPS, type GapSettings } from './gaps.ts';
import { buildGrids, type RespondentGrid } from './grid.ts';
import { fitStats, normaliseInto, type NormStats } from './normalise.ts';
import { readRawFolder } from './raw-files.ts';
import { parseSplits, SPLIT_NAMES, type SplitName, type SplitRange } from './splits.ts';
import { FeatureStore, STORE_SCHEMA, type RespondentData } from './store.ts';
import { checkOutputFolder, writeStore, type PendingMetadata } from './store-write.ts';
import { DEFAULT_WINDOW, planWindows, type WindowShape } from './windows.ts';

export interface BuildOptions {
  readonly input: string;
  readonly output: string;
  /** `A..B,C..D,E..F` (train, validation, test) or parsed ranges. */
  readonly splits: string | readonly SplitRange[];
  readonly window?: Partial<WindowShape>;
  readonly gaps?: Partial<GapSettings>;
  /** Progress lines for people (the CLI prints them on stderr). */
  readonly onProgress?: (message: string) => void;
}

export interface BuildSummary {
  readonly output: string;
  readonly features: number;
  readonly featureNames: readonly string[];
  readonly respondents: readonly string[];
  readonly inputFiles: number;
  readonly rawRows: number;
  /** Rows of the hourly index over all respondents (= store rows). */
  readonly rows: number;
  readonly maskedRows: number;
  readonly windows: Record<SplitName, number>;
  /** Wall time per phase and in total, seconds. */
  readonly seconds: { readonly read: number; readonly features: number; readonly write: number; readonly total: number };
  readonly rawRowsPerSecond: number;
  readonly rowsPerSecond: number;
}

export function buildFeatureStore(options: BuildOptions): { store: FeatureStore; summary: BuildSummary } {
  const t0 = performance.now();
  const window = checkWindow({ ...DEFAULT_WINDOW, ...options.window });
  const gaps = checkGaps({ ...DEFAULT_GAPS, ...options.gaps });
  const splits = typeof options.splits === 'string' ? parseSplits(options.splits) : options.splits;
  checkOutputFolder(options.output);
  const say = options.onProgress ?? (() => {});
  const raw = readRawFolder(options.input, (done, total) => {
    if (done === total || done % 50 === 0) say(`read ${done}/${total} raw files`);
  });
  const t1 = performance.now();
  const grids = buildGrids(raw);
  const specs = featureSpecs(fuelCodes(grids));
  const built = grids.map((grid) => buildRespondent(grid, specs, gaps, splits, window));
  say(`computed ${specs.length} features for ${grids.length} respondents`);
  const t2 = performance.now();
  const pending = pendingMetadata(options, raw, specs, window, gaps, splits, built);
  const metadata = writeStore(options.output, pending, built.map((b) => b.data));
  const t3 = performance.now();
  say(`wrote ${options.output}`);
  const store = new FeatureStore(metadata, built.map((b) => b.data));
  return { store, summary: summarise(options.output, store, raw.rows, raw.files.length, built, [t0, t1, t2, t3]) };
}

function checkWindow(w: WindowShape): WindowShape {
  for (const [flag, v] of [['--seq-len', w.seqLen], ['--stride', w.stride], ['--horizon', w.horizon]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError('FEATURES_BAD_FLAG', `${flag} ${v}: expected a whole number ≥ 1`);
  }
  return w;
}

function checkGaps(g: GapSettings): GapSettings {
  if (!Number.isInteger(g.shortGapHours) || g.shortGapHours < 0) {
    throw new UsageError('FEATURES_BAD_FLAG', `--short-gap-hours ${g.shortGapHours}: expected a whole number ≥ 0`);
  }
  return g;
}

function fuelCodes(grids: readonly RespondentGrid[]): string[] {
  return [...new Set(grids.flatMap((g) => [...g.fuels.keys()]))].sort();
}

interface Built {
  readonly features: RespondentFeatures;
  readonly stats: NormStats;
  readonly data: RespondentData;
}

function buildRespondent(grid: RespondentGrid, specs: readonly FeatureSpec[], gaps: GapSettings, splits: readonly SplitRange[], window: WindowShape): Built {
  const features = computeFeatures(grid, specs, gaps);
  const train = splits[0];
  const start = (train?.firstHour ?? 0) - grid.firstHour;
  const stats = fitStats(grid.code, features.columns, specs, start, (train?.lastHour ?? -1) - grid.firstHour + 1);
  const matrix = new Float32Array(grid.hours * specs.length);
  normaliseInto(features.columns, stats, matrix);
  const d = specs.findIndex((s) => s.name === 'demand');
  const mean = stats.mean[d] ?? 0;
  const std = stats.std[d] ?? 1;
  const target = new Float32Array(grid.hours);
  const demand = new Float32Array(grid.hours);
  for (let t = 0; t < grid.hours; t++) {
    const v = features.gaps.value[t] ?? Number.NaN;
    target[t] = Number.isNaN(v) ? 0 : (v - mean) / std;
    demand[t] = features.gaps.observed[t] === 1 ? (grid.demand[t] ?? Number.NaN) : Number.NaN;
  }
  const windows = planWindows(grid.firstHour, features.gaps.longGap, splits, window);
  const data = { code: grid.code, firstPeriodMs: grid.firstHour * 3_600_000, hours: grid.hours, features: matrix, target, demand, longGap: features.gaps.longGap, windows };
  return { features, stats, data };
}

function pendingMetadata(
  options: BuildOptions, raw: ReturnType<typeof readRawFolder>, specs: readonly FeatureSpec[], window: WindowShape,
  gaps: GapSettings, splits: readonly SplitRange[], built: readonly Built[],
): PendingMetadata {
  return {
    schema: STORE_SCHEMA,
    createdAt: new Date().toISOString(),
    features: specs,
    target: { column: 'target', rawColumn: 'demand_mwh', unit: raw.units, horizon: window.horizon },
    window,
    gaps,
    splits,
    respondents: built.map(({ features: f, stats, data }) => ({
      code: f.code,
      firstPeriod: new Date(data.firstPeriodMs).toISOString(),
      lastPeriod: new Date(data.firstPeriodMs + (f.hours - 1) * 3_600_000).toISOString(),
      rows: f.hours,
      observedRows: count(f.gaps.observed),
      filledRows: count(f.gaps.filled),
      longGapRows: count(f.gaps.longGap),
      calendarUtcOffsetHours: f.utcOffset,
      normalisation: Object.fromEntries(specs.map((s, i) => [s.name, { mean: stats.mean[i] ?? 0, std: stats.std[i] ?? 1 }])),
      trainRows: stats.trainRows,
      windows: { train: data.windows.train.length, validation: data.windows.validation.length, test: data.windows.test.length },
    })),
    inputs: { folder: options.input, rows: raw.rows, files: raw.files },
  };
}

function count(flags: Uint8Array): number {
  let n = 0;
  for (const v of flags) n += v;
  return n;
}

function summarise(output: string, store: FeatureStore, rawRows: number, files: number, built: readonly Built[], t: number[]): BuildSummary {
  const [t0 = 0, t1 = 0, t2 = 0, t3 = 0] = t;
  const total = (t3 - t0) / 1000;
  const rows = built.reduce((n, b) => n + b.data.hours, 0);
  const windows = { train: 0, validation: 0, test: 0 };
  for (const s of SPLIT_NAMES) windows[s] = store.windowCount(s);
  return {
    output,
    features: store.metadata.features.length,
    featureNames: store.featureNames,
    respondents: store.respondents.map((r) => r.code),
    inputFiles: files,
    rawRows,
    rows,
    maskedRows: built.reduce((n, b) => n + b.data.hours - count(b.features.gaps.observed), 0),
    windows,
    seconds: { read: (t1 - t0) / 1000, features: (t2 - t1) / 1000, write: (t3 - t2) / 1000, total },
    rawRowsPerSecond: rawRows / total,
    rowsPerSecond: rows / total,
  };
}
