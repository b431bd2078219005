// Order statistics shared by reports, gates and evaluation: one definition of the median and of a
// quantile, so every table and threshold in the repo means the same thing by "p50" or "median".

/**
 * Median of `values` (the mean of the two middle ones for an even count); NaN when there are none.
 * Quickselect (Hoare's FIND) on a copy: O(n), since evaluation's robust fits take many of them.
 */
export function median(values: ArrayLike<number>): number {
  const a = Float64Array.from(values);
  const n = a.length;
  if (n === 0) return Number.NaN;
  const hi = select(a, n >> 1);
  return n % 2 === 1 ? hi : (hi + maxBelow(a, n >> 1)) / 2;
}

/**
 * Quantile q ∈ [0, 1] of `values` by linear interpolation between the closest ranks (numpy's default,
 * Hyndman & Fan type 7): the value at position (n − 1)·q of the sorted values. NaN when there are none.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileOfSorted(Float64Array.from(values).sort(), q);
}

/** quantile() on values already sorted ascending (no copy, no check of the order). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q = ${q}, expected a number in [0, 1]`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? Number.NaN;
  if (pos === lo) return a;
  const b = sorted[lo + 1] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Rearranges a so that a[k] is the k-th smallest and a[0 … k − 1] ≤ a[k]; returns a[k]. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++;
      while ((a[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const t = a[i] ?? 0;
        a[i++] = a[j] ?? 0;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] ?? Number.NaN;
}

/** The largest of a[0 … k − 1] (after select(a, k): the (k − 1)-th smallest). */
function maxBelow(a: Float64Array, k: number): number {
  let m = -Infinity;
  for (let i = 0; i < k; i++) m = Math.max(m, a[i] ?? -Infinity);
  return m;
}
