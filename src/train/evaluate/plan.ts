// Which forecasts one respondent gets in a split, and which predictor windows produce them.
//
// A forecast is issued at the end of hour-ending row i and covers rows i+1 … i+horizon; it belongs
// to the split when all of those target hours lie in it (as the store's windows do), so the first
// one is issued at the split's first instant (00:00 UTC of its first day) and the last one
// `horizon` hours before its end. It is issued when its own last 24 hours (rows i−23 … i) hold
// known demand (reported, or filled with its flag): a long gap further back does not stop it, since
// the features stage masks those inputs. Each is read from the position p = i − start of a window
// [start, start + seqLen) with p + 1 ≥ ⌈seqLen/2⌉ rows of context. Windows may start before the
// split (the inputs are the past) and may cross gaps; a window never holds a row before
// WARM_UP_HOURS (incomplete lags, as the store's windows require) or a row after the split's last
// issue hour, so no window sees an hour that only a target of the split covers.
import { WARM_UP_HOURS, type SplitRange } from '../../features/index.ts';

/** Hours before (and including) the issue hour whose demand a forecast needs. */
export const RECENT_HOURS = 24;

export interface PlannedWindow {
  /** Row of the window's first input hour. */
  readonly start: number;
  /** Issue rows [from, to] (inclusive) this window's predictions are used for (those in `issued`). */
  readonly from: number;
  readonly to: number;
}

/**
 * Why an issue hour got no forecast: `noHistory`, too close to the data's start (after the warm-up
 * rows, fewer than ⌈seqLen/2⌉ rows of context, or fewer rows than one window); `gap`, one of its own
 * last 24 hours has no known demand (a long gap, or an hour neither reported nor filled).
 */
export type SkipReason = 'noHistory' | 'gap';

export interface SkippedRun {
  /** Issue rows [from, to], inclusive. */
  readonly from: number;
  readonly to: number;
  readonly reason: SkipReason;
}

export interface ForecastPlan {
  /** Issue rows whose whole target lies in the split and in the data: [first, last], inclusive. */
  readonly first: number;
  readonly last: number;
  /** Issue rows that get a forecast, ascending. */
  readonly issued: Int32Array;
  readonly windows: readonly PlannedWindow[];
  readonly skipped: Readonly<Record<SkipReason, number>>;
  readonly skippedRuns: readonly SkippedRun[];
  /** Issue rows whose last 24 hours were all reported, and how many of them got a forecast. */
  readonly reportedIssues: number;
  readonly reportedForecast: number;
}

export interface PlanInput {
  /** [rows] 1 where demand is known at that hour: reported, or filled (and flagged) by the features stage. */
  readonly known: Uint8Array;
  /** [rows] 1 where demand was reported (not filled, not screened as an anomaly). */
  readonly reported: Uint8Array;
  /** Hour-ending period of row 0, hours since 1970 (UTC). */
  readonly firstHour: number;
  readonly split: SplitRange;
  readonly horizon: number;
  readonly seqLen: number;
}

/** Least hours of context a forecast has (its own hour included). */
export function minContext(seqLen: number): number {
  return Math.ceil(seqLen / 2);
}

export function planForecasts(input: PlanInput): ForecastPlan {
  const { firstHour, known, reported, split, horizon, seqLen } = input;
  const first = Math.max(0, split.firstHour - 1 - firstHour);
  const last = Math.min(split.lastHour - horizon - firstHour, known.length - 1 - horizon);
  const reach = minContext(seqLen) - 1; // smallest usable position
  const windowFits = last - WARM_UP_HOURS + 1 >= seqLen;
  const recentKnown = recentAll(known, first, last);
  const recentReported = recentAll(reported, first, last);
  const issued: number[] = [];
  const skipped: Record<SkipReason, number> = { noHistory: 0, gap: 0 };
  const skippedRuns: SkippedRun[] = [];
  let reportedIssues = 0;
  let reportedForecast = 0;
  for (let i = first; i <= last; i++) {
    const reason: SkipReason | null =
      !windowFits || i - reach < WARM_UP_HOURS ? 'noHistory' : recentKnown[i - first] === 1 ? null : 'gap';
    const allReported = recentReported[i - first] === 1;
    if (allReported) reportedIssues++;
    if (reason === null) {
      issued.push(i);
      if (allReported) reportedForecast++;
      continue;
    }
    skipped[reason]++;
    const run = skippedRuns[skippedRuns.length - 1];
    if (run !== undefined && run.reason === reason && run.to === i - 1)
      skippedRuns[skippedRuns.length - 1] = { ...run, to: i };
    else skippedRuns.push({ from: i, to: i, reason });
  }
  const windows = tile(issued, reach, seqLen, last);
  return {
    first,
    last,
    issued: Int32Array.from(issued),
    windows,
    skipped,
    skippedRuns,
    reportedIssues,
    reportedForecast,
  };
}

/** [last − first + 1] 1 where rows i − 23 … i all have flags[row] = 1 (a sliding count). */
function recentAll(flags: Uint8Array, first: number, last: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, last - first + 1));
  let count = 0;
  const from = first - RECENT_HOURS + 1;
  for (let t = from; t <= last; t++) {
    if (flags[t] === 1) count++;
    if (t - RECENT_HOURS >= from && flags[t - RECENT_HOURS] === 1) count--;
    if (t >= first) out[t - first] = count === RECENT_HOURS ? 1 : 0;
  }
  return out;
}

/** Windows over the ascending issue rows, each read at positions ≥ reach; none ends after `last`. */
function tile(issued: readonly number[], reach: number, seqLen: number, last: number): PlannedWindow[] {
  const windows: PlannedWindow[] = [];
  let k = 0;
  while (k < issued.length) {
    const from = issued[k] ?? 0;
    const start = Math.min(from - reach, last - seqLen + 1);
    let to = from;
    while (k < issued.length && (issued[k] ?? 0) <= start + seqLen - 1) to = issued[k++] ?? to;
    windows.push({ start, from, to });
  }
  return windows;
}
