// Plain-TS (f64) masked pinball (quantile) loss of Q quantile forecasts per row:
//   loss = Σ_i m_i Σ_q ρ_τq(t_i − p_iq) / (Q·Σ m),  ρ_τ(u) = u·(τ − 1[u < 0]).
// pred is [rows, Q] row-major; target and mask are [rows]. At P50 alone it is half the MAE.

export interface PinballRef {
  readonly loss: number;
  /** Σ m: the rows the mean is over. */
  readonly weight: number;
}

export function pinballRef(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  mask: ArrayLike<number>,
  taus: readonly number[],
): PinballRef {
  const Q = taus.length;
  let s = 0;
  let w = 0;
  for (let i = 0; i < target.length; i++) {
    const m = mask[i] ?? Number.NaN;
    if (m === 0) continue;
    taus.forEach((tau, q) => {
      const u = (target[i] ?? Number.NaN) - (pred[i * Q + q] ?? Number.NaN);
      s += m * u * (tau - (u < 0 ? 1 : 0));
    });
    w += m;
  }
  return { loss: w === 0 ? 0 : s / (w * Q), weight: w };
}

/** dpred = seed · m · (1[t < p] − τ) / (Q·Σ m), [rows, Q] (zeros when Σ m = 0). */
export function pinballBackwardRef(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  mask: ArrayLike<number>,
  taus: readonly number[],
  seed = 1,
): Float64Array {
  const Q = taus.length;
  const { weight } = pinballRef(pred, target, mask, taus);
  const k = weight === 0 ? 0 : seed / (weight * Q);
  return Float64Array.from({ length: target.length * Q }, (_, j) => {
    const i = Math.floor(j / Q);
    const t = target[i] ?? Number.NaN;
    const p = pred[j] ?? Number.NaN;
    return k * (mask[i] ?? Number.NaN) * ((t < p ? 1 : 0) - (taus[j % Q] ?? Number.NaN));
  });
}
