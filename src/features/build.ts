// Builds a feature store from a folder of raw Arrow files: read → hourly grids → features →
// train-only normalisation → windows → atomic write. Returns the store in memory and a summary.
import { performance } from 'node:perf_hooks';
import { HOUR_MS, UsageError } from '../core/index.ts';
import { computeFeatures, DF_SOURCE } from './compute.ts';
import { featureSpecs, type CaisoFeatureSet, type FeatureSpec } from './feature-spec.ts';
import { DEFAULT_GAPS, type GapSettings } from './gaps.ts';
import { buildGrids, type RespondentGrid } from './grid.ts';
import { fitStats, interleave, normaliseColumns } from './normalise.ts';
import { readRawFolder, type RawInput } from './raw-files.ts';
import { countAnomalies, type AnomalyCounts } from './screen.ts';
import { parseSplits, SPLIT_NAMES, type SplitName, type SplitRange } from './splits.ts';
import {
  FeatureStore,
  STORE_SCHEMA,
  type DayAheadSource,
  type RespondentData,
  type RespondentMeta,
  type StoreMetadata,
} from './store.ts';
import { StoreWriter } from './store-write.ts';
import { DEFAULT_WINDOW, planWindows, type WindowShape } from './windows.ts';
import { checkDfPublication, DEFAULT_DF_PUBLICATION, type DfPublication } from './df-publication.ts';
import { dfWarnings, windowWarnings } from './build-checks.ts';

export interface BuildOptions {
  /** Folder of raw files, or several (e.g. EIA files in one, CAISO files in another). */
  readonly input: string | readonly string[];
  readonly output: string;
  /** `A..B,C..D,E..F` (train, validation, test) or parsed ranges. */
  readonly splits: string | readonly SplitRange[];
  readonly window?: Partial<WindowShape>;
  readonly gaps?: Partial<GapSettings>;
  /** When DF of an hour is known (df-publication.ts); default DEFAULT_DF_PUBLICATION (14 h before the local day). */
  readonly dfPublication?: DfPublication;
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
  /** Store rows whose demand was not reported (filled or long-gap rows). */
  readonly maskedRows: number;
  readonly windows: Record<SplitName, number>;
  /** What the user must know about this store (also printed by the CLI): empty splits, missing DF, DF rule. */
  readonly warnings: readonly string[];
  /** Hours flagged by screening per respondent and class, of demand and of DF. */
  readonly anomalies: Record<string, { readonly demand: AnomalyCounts; readonly df: AnomalyCounts }>;
  /** Wall time per phase and in total, seconds. */
  readonly seconds: {
    readonly read: number;
    readonly features: number;
    readonly write: number;
    readonly total: number;
  };
  /** CPU time of this process over the build (user + system), seconds: steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
  readonly rawRowsPerSecond: number;
  readonly rowsPerSecond: number;
}

interface Settings {
  readonly window: WindowShape;
  readonly gaps: GapSettings;
  readonly splits: readonly SplitRange[];
  readonly dfPublication: DfPublication;
}

export function buildFeatureStore(options: BuildOptions): { store: FeatureStore; summary: BuildSummary } {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const settings = checkSettings(options);
  const say = options.onProgress ?? (() => {});
  const writer = StoreWriter.begin(options.output);
  try {
    const raw = readRawFolder(options.input, (done, total) => {
      if (done === total || done % 50 === 0) say(`read ${done}/${total} raw files`);
    });
    const t1 = performance.now();
    const grids = buildGrids(raw);
    const specs = featureSpecs(fuelCodes(grids), caisoFeatures(grids));
    const withCaiso = raw.caiso.chunks.length > 0;
    let writeMs = 0;
    const respondents = grids.map((grid) => {
      const built = buildRespondent(grid, specs, settings, withCaiso);
      const w0 = performance.now();
      const written = writer.add(specs, built);
      writeMs += performance.now() - w0;
      say(`${grid.code}: ${grid.hours} rows, ${specs.length} features`);
      return { data: built.data, meta: { ...built.meta, ...written } };
    });
    const metas = respondents.map((r) => r.meta);
    const warnings = [...windowWarnings(grids, metas, settings), ...dfWarnings(metas, settings.dfPublication)];
    const metadata = storeMetadata(raw, specs, settings, metas);
    const w0 = performance.now();
    writer.commit(metadata);
    const t2 = performance.now();
    writeMs += t2 - w0;
    say(`wrote ${options.output}`);
    const store = new FeatureStore(
      metadata,
      respondents.map((r) => r.data),
    );
    const seconds = {
      read: (t1 - t0) / 1000,
      features: (t2 - t1 - writeMs) / 1000,
      write: writeMs / 1000,
      total: (t2 - t0) / 1000,
    };
    const cpu = process.cpuUsage(cpu0);
    const summary = summarise(options.output, store, raw, seconds, (cpu.user + cpu.system) / 1e6);
    return { store, summary: { ...summary, warnings } };
  } catch (error) {
    writer.abort();
    throw error;
  }
}

function checkSettings(options: BuildOptions): Settings {
  const window = { ...DEFAULT_WINDOW, ...options.window };
  for (const [flag, v] of [
    ['--seq-len', window.seqLen],
    ['--stride', window.stride],
    ['--horizon', window.horizon],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new UsageError('FEATURES_BAD_FLAG', `${flag} ${v}: expected a whole number ≥ 1`);
  }
  const gaps = { ...DEFAULT_GAPS, ...options.gaps };
  if (!Number.isInteger(gaps.shortGapHours) || gaps.shortGapHours < 0) {
    throw new UsageError('FEATURES_BAD_FLAG', `--short-gap-hours ${gaps.shortGapHours}: expected a whole number ≥ 0`);
  }
  const splits = typeof options.splits === 'string' ? parseSplits(options.splits) : options.splits;
  const dfPublication = options.dfPublication ?? DEFAULT_DF_PUBLICATION;
  checkDfPublication(dfPublication);
  return { window, gaps, splits, dfPublication };
}

function caisoFeatures(grids: readonly RespondentGrid[]): CaisoFeatureSet {
  return { solar: grids.some((g) => g.caiso?.solarDam), wind: grids.some((g) => g.caiso?.windDam) };
}

function fuelCodes(grids: readonly RespondentGrid[]): string[] {
  return [...new Set(grids.flatMap((g) => [...g.fuels.keys()]))].sort();
}

type PendingMeta = Omit<RespondentMeta, 'file' | 'sha256'>;

/** Features → train statistics → normalised columns and time-major matrix → windows. */
function buildRespondent(
  grid: RespondentGrid,
  specs: readonly FeatureSpec[],
  s: Settings,
  withCaiso: boolean,
): { data: RespondentData; columns: Float32Array[]; meta: PendingMeta } {
  const train = s.splits[0];
  const trainRows = {
    from: (train?.firstHour ?? 0) - grid.firstHour,
    to: (train?.lastHour ?? -1) - grid.firstHour + 1,
  };
  const features = computeFeatures(grid, specs, s.gaps, trainRows);
  const stats = fitStats(
    grid.code,
    features.columns,
    specs,
    (train?.firstHour ?? 0) - grid.firstHour,
    (train?.lastHour ?? -1) - grid.firstHour + 1,
  );
  const columns = normaliseColumns(features.columns, stats);
  const d = specs.findIndex((x) => x.name === 'demand');
  const { value, observed, filled, longGap } = features.gaps;
  const demand = new Float32Array(grid.hours);
  for (let t = 0; t < grid.hours; t++) demand[t] = observed[t] === 1 ? (value[t] ?? Number.NaN) : Number.NaN;
  const windows = planWindows(grid.firstHour, longGap, s.splits, s.window, demand);
  const firstPeriodMs = grid.firstHour * HOUR_MS;
  const data: RespondentData = {
    code: grid.code,
    firstPeriodMs,
    hours: grid.hours,
    features: interleave(columns, grid.hours),
    // The target is the normalised demand feature itself (filled hours included; 0 where unavailable).
    target: columns[d] ?? new Float32Array(grid.hours),
    demand,
    anomaly: features.anomaly,
    longGap,
    windows,
  };
  const meta: PendingMeta = {
    code: grid.code,
    firstPeriod: new Date(firstPeriodMs).toISOString(),
    lastPeriod: new Date(firstPeriodMs + (grid.hours - 1) * HOUR_MS).toISOString(),
    rows: grid.hours,
    observedRows: count(observed),
    filledRows: count(filled),
    longGapRows: count(longGap),
    calendarUtcOffsetHours: features.utcOffset,
    normalisation: Object.fromEntries(
      specs.map((x, i) => [x.name, { mean: stats.mean[i] ?? 0, std: stats.std[i] ?? 1 }]),
    ),
    trainRows: stats.trainRows,
    anomalies: { demand: countAnomalies(features.anomaly), df: countAnomalies(features.dfAnomaly) },
    dfHours: countWhere(features.columns[specs.findIndex((x) => x.name === 'df_available')], (v) => v === 1),
    windows: { train: windows.train.length, validation: windows.validation.length, test: windows.test.length },
    // Only with CAISO input, so an EIA-only metadata.json stays as it was.
    ...(withCaiso ? { dayAheadSource: dayAheadSource(features.dfSource, firstPeriodMs) } : {}),
  };
  return { data, columns, meta };
}

const SOURCE_NAMES = ['none', 'eia', 'caiso'] as const;

function dayAheadSource(source: Uint8Array, firstPeriodMs: number): DayAheadSource {
  const period = (t: number): string => new Date(firstPeriodMs + t * HOUR_MS).toISOString();
  const runs: { from: string; to: string; source: (typeof SOURCE_NAMES)[number] }[] = [];
  const hours = [0, 0, 0];
  let start = 0;
  for (let t = 0; t < source.length; t++) {
    const s = source[t] ?? DF_SOURCE.none;
    hours[s] = (hours[s] ?? 0) + 1;
    if (t + 1 === source.length || source[t + 1] !== s) {
      runs.push({ from: period(start), to: period(t), source: SOURCE_NAMES[s] ?? 'none' });
      start = t + 1;
    }
  }
  return {
    eiaHours: hours[DF_SOURCE.eia] ?? 0,
    caisoHours: hours[DF_SOURCE.caiso] ?? 0,
    noneHours: hours[DF_SOURCE.none] ?? 0,
    runs,
  };
}

function storeMetadata(
  raw: RawInput,
  specs: readonly FeatureSpec[],
  s: Settings,
  respondents: readonly RespondentMeta[],
): StoreMetadata {
  return {
    schema: STORE_SCHEMA,
    createdAt: new Date().toISOString(),
    features: specs,
    target: { column: 'target', rawColumn: 'demand_mwh', unit: raw.units, horizon: s.window.horizon },
    window: s.window,
    gaps: s.gaps,
    dfPublication: s.dfPublication,
    splits: s.splits,
    df: {
      present: respondents.some((r) => (r.dfHours ?? 0) > 0),
      respondentsWithout: respondents.filter((r) => r.dfHours === 0).map((r) => r.code),
    },
    respondents,
    inputs: { folder: raw.dir, rows: raw.rows, files: raw.files },
  };
}

function noAnomalies(): AnomalyCounts {
  return countAnomalies(new Uint8Array(0));
}

function countWhere(values: Float64Array | undefined, test: (v: number) => boolean): number {
  let n = 0;
  for (const v of values ?? []) if (test(v)) n++;
  return n;
}

function count(flags: Uint8Array): number {
  let n = 0;
  for (const v of flags) n += v;
  return n;
}

function summarise(
  output: string,
  store: FeatureStore,
  raw: RawInput,
  seconds: BuildSummary['seconds'],
  cpuSeconds: number,
): Omit<BuildSummary, 'warnings'> {
  const rows = store.respondents.reduce((n, r) => n + r.hours, 0);
  const windows = { train: 0, validation: 0, test: 0 };
  for (const s of SPLIT_NAMES) windows[s] = store.windowCount(s);
  return {
    output,
    features: store.metadata.features.length,
    featureNames: store.featureNames,
    respondents: store.respondents.map((r) => r.code),
    inputFiles: raw.files.length,
    rawRows: raw.rows,
    rows,
    maskedRows: store.metadata.respondents.reduce((n, r) => n + r.rows - r.observedRows, 0),
    windows,
    anomalies: Object.fromEntries(
      store.metadata.respondents.map((r) => [r.code, r.anomalies ?? { demand: noAnomalies(), df: noAnomalies() }]),
    ),
    seconds,
    cpuSeconds,
    rawRowsPerSecond: raw.rows / seconds.total,
    rowsPerSecond: rows / seconds.total,
  };
}
