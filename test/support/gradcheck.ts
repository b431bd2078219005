// Finite-difference gradient check: central differences of a scalar loss, in f64, at a sample of
// coordinates, compared with an analytic gradient. Used by every backward-pass test.
export interface GradCheckResult {
  readonly checked: number;
  readonly worst: {
    readonly index: number;
    readonly numeric: number;
    readonly analytic: number;
    readonly relError: number;
  };
}

/**
 * loss: scalar function of x (must not keep x). analytic: its claimed gradient at x.
 * Relative error is |num − ana| / max(|num| + |ana|, floor); eps 1e-6 in f64 gives ~1e-8 accuracy.
 */
export function gradCheck(
  loss: (x: Float64Array) => number,
  x: Float64Array,
  analytic: ArrayLike<number>,
  options: { eps?: number; samples?: number; floor?: number; seed?: number } = {},
): GradCheckResult {
  const eps = options.eps ?? 1e-6;
  const floor = options.floor ?? 1e-6;
  const samples = Math.min(options.samples ?? 64, x.length);
  let state = options.seed ?? 12345;
  const pick = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % x.length;
  };
  const indices = samples === x.length ? [...Array(x.length).keys()] : Array.from({ length: samples }, pick);
  let worst = { index: -1, numeric: 0, analytic: 0, relError: 0 };
  const probe = Float64Array.from(x);
  for (const i of indices) {
    const x0 = probe[i] ?? 0;
    probe[i] = x0 + eps;
    const up = loss(probe);
    probe[i] = x0 - eps;
    const down = loss(probe);
    probe[i] = x0;
    const numeric = (up - down) / (2 * eps);
    const ana = analytic[i] ?? Number.NaN;
    const relError = Math.abs(numeric - ana) / Math.max(Math.abs(numeric) + Math.abs(ana), floor);
    if (!(relError <= worst.relError)) worst = { index: i, numeric, analytic: ana, relError };
  }
  return { checked: indices.length, worst };
}
