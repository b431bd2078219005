// Plain-TS (f64) AdamW step, in place on param/m/v (same update as shaders/adamw.wgsl).

export interface AdamWHyper {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

export const ADAMW_DEFAULTS: Omit<AdamWHyper, 'lr'> = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

/** One step t (1-based) updating param, m, v in place from grad. */
export function adamwStepRef(
  param: Float64Array,
  grad: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  h: AdamWHyper,
  t: number,
): void {
  const bc1 = 1 - h.beta1 ** t;
  const bc2 = 1 - h.beta2 ** t;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] ?? Number.NaN;
    const mi = h.beta1 * (m[i] ?? 0) + (1 - h.beta1) * g;
    const vi = h.beta2 * (v[i] ?? 0) + (1 - h.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const decayed = (param[i] ?? 0) * (1 - h.lr * h.weightDecay);
    param[i] = decayed - (h.lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + h.eps);
  }
}
