// Which forecasts one respondent gets in a split, and which predictor windows produce them.
//
// A forecast is issued at the end of hour-ending row i and covers rows i+1 … i+horizon; it belongs
// to the split when all of those target hours lie in it (as the store's windows do), so the first
// one is issued at the split's first instant (00:00 UTC of its first day) and the last one
// `horizon` hours before its end. Each is read from the position p = i − start of a window
// [start, start + seqLen) with p + 1 ≥ ⌈seqLen/2⌉ hours of context. Windows tile the issue hours
// (seqLen − ⌈seqLen/2⌉ + 1 new ones per window) and may start before the split (the inputs are the
// past); a window never holds a row before WARM_UP_HOURS (incomplete lags, as the store's windows
// require), a long-gap row, or a row after the split's last issue hour, so no window sees an hour
// that only a target of the split covers.
import { WARM_UP_HOURS, type SplitRange } from '../../features/index.ts';

export interface PlannedWindow {
  /** Row of the window's first input hour. */
  readonly start: number;
  /** Issue rows [from, to] (inclusive) this window's predictions are used for. */
  readonly from: number;
  readonly to: number;
}

export interface ForecastPlan {
  /** Issue rows whose whole target lies in the split and in the data: [first, last], inclusive. */
  readonly first: number;
  readonly last: number;
  readonly windows: readonly PlannedWindow[];
  /** Issue rows that could not be forecast: too little history before them (data start + warm-up), or a long gap in the way. */
  readonly skipped: { readonly noHistory: number; readonly longGap: number };
}

export interface PlanInput {
  /** Hour-ending period of row 0, hours since 1970 (UTC). */
  readonly firstHour: number;
  /** [rows] 1 where the row lies in a long gap. */
  readonly longGap: Uint8Array;
  readonly split: SplitRange;
  readonly horizon: number;
  readonly seqLen: number;
}

/** Least hours of context a forecast has (its own hour included). */
export function minContext(seqLen: number): number {
  return Math.ceil(seqLen / 2);
}

export function planForecasts(input: PlanInput): ForecastPlan {
  const { firstHour, longGap, split, horizon, seqLen } = input;
  const first = Math.max(0, split.firstHour - 1 - firstHour);
  const last = Math.min(split.lastHour - horizon - firstHour, longGap.length - 1 - horizon);
  const windows: PlannedWindow[] = [];
  const skipped = { noHistory: 0, longGap: 0 };
  if (last < first) return { first, last, windows, skipped };
  const reach = minContext(seqLen) - 1; // smallest usable position
  let r0 = WARM_UP_HOURS;
  let afterGap = false; // whether the current run of usable rows began after a long gap
  for (let t = 0; t <= last + 1; t++) {
    const usable = t <= last && t >= WARM_UP_HOURS && longGap[t] !== 1;
    if (usable) continue;
    // rows [r0, t) are one run of usable rows; windows may not extend past t − 1.
    if (t > r0) tileRun(r0, t - 1, first, reach, seqLen, windows, afterGap ? 'longGap' : 'noHistory', skipped);
    if (t >= first && t <= last) {
      if (longGap[t] === 1) skipped.longGap++;
      else skipped.noHistory++;
    }
    if (longGap[t] === 1) afterGap = true;
    r0 = Math.max(t + 1, WARM_UP_HOURS);
  }
  return { first, last, windows, skipped };
}

/** Windows for the issue rows of the usable run [r0, r1] (all ≥ first counted: covered or skipped). */
function tileRun(
  r0: number,
  r1: number,
  first: number,
  reach: number,
  seqLen: number,
  windows: PlannedWindow[],
  reason: 'noHistory' | 'longGap',
  skipped: { noHistory: number; longGap: number },
): void {
  const lo = Math.max(first, r0);
  if (lo > r1) return;
  // Issue rows before r0 + reach lack context inside this run; a run shorter than seqLen holds no window.
  const a = r1 - r0 + 1 >= seqLen ? Math.max(lo, r0 + reach) : r1 + 1;
  skipped[reason] += a - lo;
  for (let next = a; next <= r1; ) {
    const start = Math.min(next - reach, r1 - seqLen + 1);
    const to = Math.min(start + seqLen - 1, r1);
    windows.push({ start, from: next, to });
    next = to + 1;
  }
}
