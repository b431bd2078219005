// Plain-TS (f64) masked mean squared error: loss = Σ m·(p − t)² / Σ m (m ≡ 1 without a mask).

export interface MseRef {
  readonly loss: number;
  /** Σ m: the number of elements the mean is over. */
  readonly weight: number;
}

export function mseRef(pred: ArrayLike<number>, target: ArrayLike<number>, mask?: ArrayLike<number>): MseRef {
  let s = 0;
  let w = 0;
  for (let i = 0; i < pred.length; i++) {
    const m = mask ? (mask[i] ?? Number.NaN) : 1;
    s += m * ((pred[i] ?? Number.NaN) - (target[i] ?? Number.NaN)) ** 2;
    w += m;
  }
  return { loss: w === 0 ? 0 : s / w, weight: w };
}

/** dpred = seed · 2·m·(p − t) / Σ m (zeros when Σ m = 0). */
export function mseBackwardRef(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  mask?: ArrayLike<number>,
  seed = 1,
): Float64Array {
  const { weight } = mseRef(pred, target, mask);
  const k = weight === 0 ? 0 : (2 * seed) / weight;
  return Float64Array.from({ length: pred.length }, (_, i) => {
    const m = mask ? (mask[i] ?? Number.NaN) : 1;
    return k * m * ((pred[i] ?? Number.NaN) - (target[i] ?? Number.NaN));
  });
}
