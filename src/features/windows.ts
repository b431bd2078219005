// Plans the training windows of one respondent: seq-len input rows, then a horizon of target
// rows (one UTC day when stride is 24), every row present, none crossing a long gap.
import { WARM_UP_HOURS } from './feature-spec.ts';
import { splitOf, type SplitName, type SplitRange } from './splits.ts';

export interface WindowShape {
  /** Input rows per window (default 8,760 = one year). */
  readonly seqLen: number;
  /** Rows between consecutive windows (default 24). */
  readonly stride: number;
  /** Target rows after the input (24: the next day of demand). */
  readonly horizon: number;
}

export const DEFAULT_WINDOW: WindowShape = { seqLen: 8760, stride: 24, horizon: 24 };

/** Input start rows of each split's windows; the target of a window starting at s is rows [s+seqLen, s+seqLen+horizon). */
export type WindowStarts = Record<SplitName, Int32Array>;

/**
 * Targets start at hour-ending 01:00 UTC (an hour starting at midnight), then every `stride` rows.
 * A window needs WARM_UP_HOURS rows before its input so its first lags and rolling stats are full,
 * no long-gap row in input or target, and its whole target inside one split.
 */
export function planWindows(
  firstHour: number,
  longGap: Uint8Array,
  splits: readonly SplitRange[],
  shape: WindowShape,
): WindowStarts {
  const n = longGap.length;
  const gapsBefore = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) gapsBefore[t + 1] = (gapsBefore[t] ?? 0) + (longGap[t] ?? 0);
  const found: Record<SplitName, number[]> = { train: [], validation: [], test: [] };
  let target = WARM_UP_HOURS + shape.seqLen;
  target += (((1 - (firstHour + target)) % 24) + 24) % 24;
  for (; target + shape.horizon <= n; target += shape.stride) {
    const start = target - shape.seqLen;
    const end = target + shape.horizon;
    if ((gapsBefore[end] ?? 0) - (gapsBefore[start] ?? 0) > 0) continue;
    const split = splitOf(splits, firstHour + target, firstHour + end - 1);
    if (split !== undefined) found[split].push(start);
  }
  return {
    train: Int32Array.from(found.train),
    validation: Int32Array.from(found.validation),
    test: Int32Array.from(found.test),
  };
}
