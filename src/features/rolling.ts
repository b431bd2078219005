// Rolling mean/std/min/max over the last w clock hours ending at t (rows t-w+1 … t), in O(n):
// running shifted sums for mean/std, monotonic deques for min/max (Lemire, "Streaming maximum-minimum
// filter using no more than three comparisons per element", 2006). NaN rows are skipped.

export interface RollingStats {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
}

/** Stats of each trailing window; NaN where the window holds no value. std is the population std. */
export function rollingStats(x: Float64Array, w: number): RollingStats {
  const n = x.length;
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  rollingMoments(x, w, mean, std);
  return { mean, std, min: rollingExtreme(x, w, -1), max: rollingExtreme(x, w, 1) };
}

/**
 * Running sums of (x − ref) with add/remove per step. Every w steps the sums are recomputed exactly
 * over the current window with ref = its newest value, so rounding never drifts for more than w
 * steps and Σ(x − ref)² stays at the window's spread, not at x² (~1e8 MWh²). Amortised O(n).
 */
function rollingMoments(x: Float64Array, w: number, mean: Float64Array, std: Float64Array): void {
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  let ref = 0;
  for (let t = 0; t < x.length; t++) {
    if (t % w === 0) {
      ref = Number.isNaN(x[t]) ? ref : (x[t] ?? 0);
      [count, sum, sumSq] = exactSums(x, t - w + 1, t, ref);
    } else {
      const add = (x[t] ?? Number.NaN) - ref;
      const old = t >= w ? (x[t - w] ?? Number.NaN) - ref : Number.NaN;
      if (!Number.isNaN(add)) [count, sum, sumSq] = [count + 1, sum + add, sumSq + add * add];
      if (!Number.isNaN(old)) [count, sum, sumSq] = [count - 1, sum - old, sumSq - old * old];
    }
    const m = count === 0 ? Number.NaN : sum / count;
    mean[t] = m + ref;
    // One value has no spread: say 0 exactly rather than the square root of a rounding residue.
    std[t] = count === 0 ? Number.NaN : count === 1 ? 0 : Math.sqrt(Math.max(0, sumSq / count - m * m));
  }
}

function exactSums(x: Float64Array, from: number, to: number, ref: number): [number, number, number] {
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = Math.max(0, from); i <= to; i++) {
    const v = (x[i] ?? Number.NaN) - ref;
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
    sumSq += v * v;
  }
  return [count, sum, sumSq];
}

/** sign = 1: rolling max; sign = -1: rolling min. The deque holds row indices, values monotonic. */
function rollingExtreme(x: Float64Array, w: number, sign: 1 | -1): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const deque = new Int32Array(Math.min(n, w) + 1);
  const cap = deque.length;
  let head = 0;
  let size = 0;
  for (let t = 0; t < n; t++) {
    const v = x[t] ?? Number.NaN;
    if (!Number.isNaN(v)) {
      // Drop from the back every index whose value can never be the extreme again.
      while (size > 0 && sign * (x[deque[(head + size - 1) % cap] ?? 0] ?? 0) <= sign * v) size--;
      deque[(head + size) % cap] = t;
      size++;
    }
    while (size > 0 && (deque[head] ?? 0) <= t - w) {
      head = (head + 1) % cap;
      size--;
    }
    out[t] = size > 0 ? (x[deque[head] ?? 0] ?? Number.NaN) : Number.NaN;
  }
  return out;
}
