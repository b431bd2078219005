// The Diebold–Mariano test (Diebold & Mariano 1995) of equal accuracy of two forecasts, with the
// Harvey–Leybourne–Newbold (1997) small-sample correction and Student-t p-values.
//
// Input: one loss differential d per forecast (here |e_model| − |e_DF| averaged over the forecast's
// scored hours) at an integer time index. Overlapping h-step forecasts make d autocorrelated up to
// lag h − 1, so the long-run variance is the HAC sum γ₀ + 2 Σ_{k=1}^{lag} γ_k with the rectangular
// (truncated) kernel of DM and HLN. γ_k sums over pairs of differentials exactly k index steps apart
// (a missing forecast leaves its pairs out, it does not shift the series), divided by n. Should the
// rectangular sum come out ≤ 0 (it can, in small samples), the Bartlett weights 1 − k/(lag + 1) of
// Newey & West (1987) are used instead and `kernel` says so.
//   DM = d̄ / √(V / n);  DM* = DM · √((n + 1 − 2h + h(h − 1)/n) / n);  p = 2 · P(T_{n−1} > |DM*|).

export interface DieboldMariano {
  /** Loss differentials (forecasts) in the test. */
  readonly n: number;
  /** Mean loss differential, MWh: mean of |e_model| − |e_DF|; negative when the model's errors are smaller. */
  readonly meanDifferential: number;
  /** The HLN-corrected statistic DM*: negative when the model is more accurate. */
  readonly statistic: number;
  /** Two-sided p-value of equal accuracy, Student t with n − 1 degrees of freedom. */
  readonly pValue: number;
  /** HAC lag (h − 1 for h-step forecasts) and the h of the HLN correction. */
  readonly lag: number;
  readonly steps: number;
  readonly kernel: 'rectangular' | 'bartlett';
  /** Which forecast had the smaller mean absolute error (by the sign of the mean differential). */
  readonly better: 'model' | 'dayAhead' | 'tie';
}

/** `index` ascending integers (e.g. issue hours), `d` the differentials; null with fewer than 3 or no variance. */
export function dieboldMariano(
  index: ArrayLike<number>,
  d: ArrayLike<number>,
  lag: number,
  steps: number,
): DieboldMariano | null {
  const n = d.length;
  if (n < 3) return null;
  let mean = 0;
  for (let a = 0; a < n; a++) mean += (d[a] ?? 0) / n;
  const gamma = autocovariances(index, d, mean, lag);
  let kernel: DieboldMariano['kernel'] = 'rectangular';
  let v = longRunVariance(gamma, () => 1);
  if (!(v > 0)) {
    kernel = 'bartlett';
    v = longRunVariance(gamma, (k) => 1 - k / (lag + 1));
  }
  const hln = (n + 1 - 2 * steps + (steps * (steps - 1)) / n) / n;
  if (!(v > 0) || !(hln > 0)) return null;
  const statistic = (mean / Math.sqrt(v / n)) * Math.sqrt(hln);
  return {
    n,
    meanDifferential: mean,
    statistic,
    pValue: studentTTwoSided(statistic, n - 1),
    lag,
    steps,
    kernel,
    better: mean < 0 ? 'model' : mean > 0 ? 'dayAhead' : 'tie',
  };
}

/** γ_k, k = 0 … lag: Σ over pairs with index difference k of centred products, / n. */
function autocovariances(index: ArrayLike<number>, d: ArrayLike<number>, mean: number, lag: number): Float64Array {
  const n = d.length;
  const gamma = new Float64Array(lag + 1);
  for (let a = 0; a < n; a++) {
    const ia = index[a] ?? 0;
    const da = (d[a] ?? 0) - mean;
    for (let b = a; b < n && (index[b] ?? 0) - ia <= lag; b++) {
      const k = (index[b] ?? 0) - ia;
      gamma[k] = (gamma[k] ?? 0) + (da * ((d[b] ?? 0) - mean)) / n;
    }
  }
  return gamma;
}

function longRunVariance(gamma: Float64Array, weight: (k: number) => number): number {
  let v = gamma[0] ?? 0;
  for (let k = 1; k < gamma.length; k++) v += 2 * weight(k) * (gamma[k] ?? 0);
  return v;
}

/** P(|T| > |t|) for Student's t with ν degrees of freedom: I_{ν/(ν+t²)}(ν/2, 1/2). */
export function studentTTwoSided(t: number, nu: number): number {
  return regularizedBeta(nu / (nu + t * t), nu / 2, 0.5);
}

/** I_x(a, b) by the continued fraction of Numerical Recipes §6.4 (modified Lentz), with the symmetry swap. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const aa of [
      (m * (b - m) * x) / ((a + m2 - 1) * (a + m2)),
      (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1)),
    ]) {
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** ln Γ(x), x > 0: Lanczos approximation (g = 7, n = 9), relative error below 1e-15. */
export function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = g[0] ?? 1;
  for (let k = 1; k < 9; k++) s += (g[k] ?? 0) / (z + k);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
