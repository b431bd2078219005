// Known-future inputs of the forecaster's head: for an issue row i and each target hour j = i+1+h
// (h = 0 … horizon−1), what is known at the end of hour i about hour j — DF of j when the store's
// publication rule says it was out by then, the calendar of j, and the past demand the target hour
// is usually compared with (same hour a day and a week before, and now). Past-only inputs stay in
// x; nothing here reads a demand value after row i or a DF value not yet published at i
// (docs/train.md, "Known-future head"; test/train/forecasts-never-read-what-was-not-known.test.ts).
import { HOUR_MS } from '../core/index.ts';
import {
  CALENDAR_FEATURES,
  DEFAULT_DF_PUBLICATION,
  dfKnownFrom,
  writeCalendar,
  type FeatureStore,
  type RespondentData,
} from '../features/index.ts';

/**
 * The fixed columns per (issue row, target hour), in this order; values in target units
 * (normalised demand). A one-hot of the respondent follows them (futureFeatureNames).
 */
export const FUTURE_FEATURES = [
  'df',
  'df_known',
  ...CALENDAR_FEATURES,
  'demand_day_before',
  'demand_day_before_known',
  'demand_week_before',
  'demand_week_before_known',
  'demand_now',
  'demand_now_known',
  'df_error_now',
  'df_error_now_known',
  'lead',
  'anchor_error_now',
  'anchor_error_now_known',
  'anchor_error_fast',
  'anchor_error_slow',
  'df_change_latest',
  'df_change_latest_known',
] as const;

/** How far back from a target hour without DF the latest published DF hour is looked for. */
const LATEST_DF_SEARCH_HOURS = 48;

/**
 * Lead-time decays (hours) of the current anchor error: how far a miss seen now carries into the
 * target hour. The linear skip is shared across leads, so without these columns it could not give
 * the current error a weight that shrinks with the lead, as a per-lead linear correction does.
 */
const ERROR_DECAY_HOURS = { fast: 2, slow: 8 } as const;

/** The value columns repeated per respondent, so the linear skip has one coefficient per BA. */
const PER_RESPONDENT = [
  'df',
  'demand_day_before',
  'demand_week_before',
  'demand_now',
  'df_error_now',
  'anchor_error_fast',
  'anchor_error_slow',
  'df_change_latest',
] as const;

/**
 * Every column of the store's known-future inputs: the fixed ones; one flag per respondent of the
 * store (1 for the window's own); then, per respondent, the value columns of PER_RESPONDENT (0 for
 * other respondents' windows). One model serves several BAs and learns, as a per-BA linear DF
 * correction does, how far to trust each one's DF and yesterday. K = 25 + 9 × respondents.
 */
export function futureFeatureNames(store: FeatureStore): string[] {
  const codes = store.respondents.map((r) => r.code);
  return [
    ...FUTURE_FEATURES,
    ...codes.map((c) => `respondent_${c}`),
    ...codes.flatMap((c) => PER_RESPONDENT.map((name) => `${name}@${c}`)),
  ];
}

const COLUMN: Readonly<Record<string, number>> = Object.fromEntries(FUTURE_FEATURES.map((n, i) => [n, i]));

/** Per-respondent columns the tensor reads, computed once per store and respondent. */
interface RespondentColumns {
  readonly firstHour: number;
  /** DF in target units; NaN where the store has none (or it was screened out). */
  readonly df: Float32Array;
  /** First issue hour at which DF of the row is known. */
  readonly dfFrom: Float64Array;
  /** Reported demand in target units; NaN where not reported. */
  readonly demand: Float32Array;
  /** Calendar of rows [0, hours + horizon): target hours past the last row have a calendar too. */
  readonly calendar: readonly Float64Array[];
}

const cache = new WeakMap<RespondentData, RespondentColumns>();

function zscore(store: FeatureStore, index: number, name: string): { mean: number; std: number } {
  const meta = store.metadata.respondents[index];
  const stats = meta?.normalisation[name];
  if (!stats) throw new Error(`the store has no normalisation for '${name}' of respondent ${meta?.code ?? index}`);
  return stats;
}

function columnsOf(store: FeatureStore, index: number): RespondentColumns {
  const r = store.respondents[index];
  if (!r) throw new Error(`no respondent ${index} in the store`);
  const have = cache.get(r);
  if (have) return have;
  const names = store.featureNames;
  const F = names.length;
  const dfCol = names.indexOf('df');
  const dfAvail = names.indexOf('df_available');
  const dfStats = zscore(store, index, 'df');
  const dStats = zscore(store, index, 'demand');
  const meta = store.metadata.respondents[index];
  const offset = meta?.calendarUtcOffsetHours ?? 0;
  const rule = store.metadata.dfPublication ?? DEFAULT_DF_PUBLICATION;
  const firstHour = r.firstPeriodMs / HOUR_MS;
  const H = store.metadata.window.horizon;
  const df = new Float32Array(r.hours).fill(Number.NaN);
  const dfFrom = new Float64Array(r.hours);
  const demand = new Float32Array(r.hours).fill(Number.NaN);
  for (let row = 0; row < r.hours; row++) {
    dfFrom[row] = dfKnownFrom(firstHour + row, offset, rule);
    if (dfCol >= 0 && dfAvail >= 0 && r.features[row * F + dfAvail] === 1) {
      const raw = (r.features[row * F + dfCol] ?? 0) * dfStats.std + dfStats.mean;
      df[row] = (raw - dStats.mean) / dStats.std;
    }
    if (!Number.isNaN(r.demand[row] ?? Number.NaN)) demand[row] = r.target[row] ?? Number.NaN;
  }
  const calendar = CALENDAR_FEATURES.map(() => new Float64Array(r.hours + H));
  writeCalendar(calendar, firstHour, r.hours + H, offset);
  const out = { firstHour, df, dfFrom, demand, calendar };
  cache.set(r, out);
  return out;
}

/** value and its known flag into out[at], out[at+1]; unknown → 0, 0. */
function known(out: Float32Array, at: number, value: number): void {
  const ok = !Number.isNaN(value);
  out[at] = ok ? value : 0;
  out[at + 1] = ok ? 1 : 0;
}

/** A window's known-future inputs and the anchor its forecasts are residuals from. */
export interface FutureInputs {
  /** [seqLen, horizon, K]: row t describes the target hours of issue row start + t. */
  readonly future: Float32Array;
  /**
   * [seqLen, horizon], target units: DF of the target hour where it is known at t, else demand of
   * the same hour a day before, else demand now, else 0. The model predicts target − anchor: where
   * DF exists it learns DF's correction, where it does not the change from yesterday (docs/train.md).
   */
  readonly anchor: Float32Array;
}

/** The anchor of one (issue row, target hour) pair from its known-future columns at `base`. */
function anchorAt(future: Float32Array, base: number): number {
  const C = CALENDAR_FEATURES.length;
  for (const col of [0, 2 + C, 6 + C]) if (future[base + col + 1] === 1) return future[base + col] ?? 0;
  return 0;
}

/**
 * The latest row whose DF is published at `issueHour`, and DF minus the demand a day before it at
 * the latest row at or below it (searched back LATEST_DF_SEARCH_HOURS) where both exist (target
 * units; NaN when none). Every read is known at the issue hour: the DF by the publication rule, the
 * demand because only rows a day before that are ≤ i are read.
 */
function latestDfChange(
  c: RespondentColumns,
  i: number,
  issueHour: number,
  dfKnown: (row: number) => number,
): { row: number; value: number } {
  const rows = c.df.length;
  let last = i;
  while (last + 1 < rows && (c.dfFrom[last + 1] ?? Infinity) <= issueHour) last++;
  for (let row = last; row > last - LATEST_DF_SEARCH_HOURS && row >= 0; row--) {
    const value = dfKnown(row) - (row - 24 >= 0 && row - 24 <= i ? (c.demand[row - 24] ?? Number.NaN) : Number.NaN);
    if (!Number.isNaN(value)) return { row: last, value };
  }
  return { row: last, value: Number.NaN };
}

/** Known-future inputs and anchors of the window of respondent `index` whose first input row is `start`. */
export function futureInputs(store: FeatureStore, index: number, start: number, seqLen: number): FutureInputs {
  const future = futureTensor(store, index, start, seqLen);
  const K = futureFeatureNames(store).length;
  const anchor = new Float32Array(seqLen * store.metadata.window.horizon);
  for (let p = 0; p < anchor.length; p++) anchor[p] = anchorAt(future, p * K);
  return { future, anchor };
}

/**
 * future [seqLen, horizon, K] for the window of respondent `index` whose first input row is
 * `start`: row t describes the target hours of issue row start + t.
 */
function futureTensor(store: FeatureStore, index: number, start: number, seqLen: number): Float32Array {
  const c = columnsOf(store, index);
  const H = store.metadata.window.horizon;
  const K = futureFeatureNames(store).length;
  const C = CALENDAR_FEATURES.length;
  const own = FUTURE_FEATURES.length + index;
  const ownValues = FUTURE_FEATURES.length + store.respondents.length + index * PER_RESPONDENT.length;
  const copied = PER_RESPONDENT.map((name) => COLUMN[name] ?? 0);
  const rows = c.df.length;
  const out = new Float32Array(seqLen * H * K);
  const at = (row: number, a: Float32Array): number => (row >= 0 && row < rows ? (a[row] ?? Number.NaN) : Number.NaN);
  // The anchor error's lead decays, per lead (the same for every issue row).
  const fast = Float64Array.from({ length: H }, (_, h) => Math.exp(-(h + 1) / ERROR_DECAY_HOURS.fast));
  const slow = Float64Array.from({ length: H }, (_, h) => Math.exp(-(h + 1) / ERROR_DECAY_HOURS.slow));
  for (let t = 0; t < seqLen; t++) {
    const i = start + t;
    const issueHour = c.firstHour + i;
    const dfKnown = (row: number): number =>
      row < rows && (c.dfFrom[row] ?? Infinity) <= issueHour ? at(row, c.df) : Number.NaN;
    const now = at(i, c.demand);
    const errorNow = now - dfKnown(i);
    const dayChangeNow = now - at(i - 24, c.demand);
    const latestChange = latestDfChange(c, i, issueHour, dfKnown);
    for (let h = 0; h < H; h++) {
      const j = i + 1 + h;
      const base = (t * H + h) * K;
      known(out, base, dfKnown(j));
      for (let k = 0; k < C; k++) out[base + 2 + k] = c.calendar[k]?.[j] ?? 0;
      known(out, base + 2 + C, at(j - 24, c.demand));
      known(out, base + 4 + C, at(j - 168, c.demand));
      known(out, base + 6 + C, now);
      known(out, base + 8 + C, errorNow);
      out[base + 10 + C] = (h + 1) / H;
      // The miss of the anchor this target hour uses, measured at the issue hour: DF's error where
      // the target's DF is known, else today's change from yesterday (the anchor is yesterday's hour).
      const dfTarget = out[base + 1] === 1;
      const anchorError = dfTarget ? errorNow : out[base + 3 + C] === 1 ? dayChangeNow : Number.NaN;
      known(out, base + 11 + C, anchorError);
      const e = out[base + 11 + C] ?? 0;
      out[base + 13 + C] = e * (fast[h] ?? 0);
      out[base + 14 + C] = e * (slow[h] ?? 0);
      // Where the target's own DF is not out yet, the BA's latest published view of the change from
      // a day before (the end of today's DF against yesterday's demand) carries into the night ahead.
      known(out, base + 15 + C, dfTarget || j <= latestChange.row ? Number.NaN : latestChange.value);
      out[base + own] = 1;
      copied.forEach((col, k) => {
        out[base + ownValues + k] = out[base + col] ?? 0;
      });
    }
  }
  return out;
}
