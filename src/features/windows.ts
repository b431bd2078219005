// Plans the training windows of one respondent: seq-len input rows, then a horizon of target
// rows (one UTC day when stride is 24). Inputs may cross gaps (masked, with their flags); a window
// is kept when its target day has enough scoreable hours and its own recent inputs exist.
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

/**
 * Input start rows of each split's windows; the target of a window starting at s is rows [s+seqLen, s+seqLen+horizon).
 */
export type WindowStarts = Record<SplitName, Int32Array>;

/**
 * The keep rule: at least half of the target hours scoreable (reported and not flagged by
 * screening), and none of the last RECENT_INPUT_HOURS input hours in a long gap — the hours a
 * forecast issued at the window's last input hour needs (the evaluation forecasts the same issue
 * hours: every hour whose last 24 hours were reported or filled).
 */
export const MIN_TARGET_SHARE = 0.5;
export const RECENT_INPUT_HOURS = 24;

/**
 * Targets start at hour-ending 01:00 UTC (an hour starting at midnight), then every `stride` rows.
 * A window needs WARM_UP_HOURS rows before its input (so a lag or rolling statistic never reads
 * before the data), its whole target inside one split, and the keep rule above. Long gaps inside
 * the inputs are allowed: those rows are masked (0, `demand_observed` = 0) in the store.
 * `scored`: reported demand per row, NaN where the hour is not a target (missing or flagged); when
 * omitted, every row outside a long gap counts as scoreable.
 */
export function planWindows(
  firstHour: number,
  longGap: Uint8Array,
  splits: readonly SplitRange[],
  shape: WindowShape,
  scored?: ArrayLike<number>,
): WindowStarts {
  const n = longGap.length;
  const gapsBefore = prefixCount(n, (t) => longGap[t] === 1);
  const scoredBefore = prefixCount(n, (t) =>
    scored === undefined ? longGap[t] !== 1 : !Number.isNaN(scored[t] ?? Number.NaN),
  );
  const needTargets = Math.ceil(MIN_TARGET_SHARE * shape.horizon);
  const recent = Math.min(RECENT_INPUT_HOURS, shape.seqLen);
  const found: Record<SplitName, number[]> = { train: [], validation: [], test: [] };
  let target = WARM_UP_HOURS + shape.seqLen;
  target += (((1 - (firstHour + target)) % 24) + 24) % 24;
  for (; target + shape.horizon <= n; target += shape.stride) {
    const end = target + shape.horizon;
    if ((gapsBefore[target] ?? 0) - (gapsBefore[target - recent] ?? 0) > 0) continue;
    if ((scoredBefore[end] ?? 0) - (scoredBefore[target] ?? 0) < needTargets) continue;
    const split = splitOf(splits, firstHour + target, firstHour + end - 1);
    if (split !== undefined) found[split].push(target - shape.seqLen);
  }
  return {
    train: Int32Array.from(found.train),
    validation: Int32Array.from(found.validation),
    test: Int32Array.from(found.test),
  };
}

/** out[t] = number of rows < t for which `test` holds. */
function prefixCount(n: number, test: (t: number) => boolean): Int32Array {
  const out = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) out[t + 1] = (out[t] ?? 0) + (test(t) ? 1 : 0);
  return out;
}
