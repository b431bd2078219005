// Linear regression that outliers do not wreck: a Mallows-type bounded-influence M-estimator
// (Hampel, Ronchetti, Rousseeuw & Stahel 1986, §6.3). Each row's weight is the product of
//  - a leverage weight from its inputs alone, min(1, (K_X / d)²), d = the row's largest robust
//    z-score |x − median| / (MAD / 0.6745) over the non-constant inputs: a gross error in an input
//    (a demand spike of 1000× entering as y_t) gets a vanishing say, where Huber alone lets such a
//    point drag the slope to fit it; weights of x alone do not bias a correctly specified model;
//  - Huber's residual weight min(1, k·s / |r|) (Huber 1964), found by iteratively reweighted least
//    squares (Holland & Welsch 1977), the scale s re-estimated at each step as MAD / 0.6745.
// Also plain least squares, the comparison the tests make.
import { median } from '../../core/index.ts';

/** A design matrix: `rows` × `cols`, row-major, f64. */
export interface Design {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

export interface RobustFit {
  readonly coefficients: Float64Array;
  /** Robust residual scale (MAD / 0.6745) at the solution, in the units of y. */
  readonly scale: number;
  readonly iterations: number;
  /** Rows whose weight ended below 1 (treated as outliers in part). */
  readonly downweighted: number;
}

/** Huber's tuning constant: 95 % efficiency under Gaussian errors. */
export const HUBER_K = 1.345;
/** Robust z-score of an input beyond which its row is down-weighted (≈ 1 row in 16,000 of Gaussian inputs). */
export const LEVERAGE_K = 4;
/** MAD of a standard normal: MAD / 0.6745 estimates σ. */
const MAD_TO_SIGMA = 0.6744897501960817;
const MAX_ITERATIONS = 100;

/** Ordinary least squares; null when the design is singular (a column constant zero, or too few rows). */
export function leastSquares(d: Design): Float64Array | null {
  return weightedLeastSquares(d, new Float64Array(d.rows).fill(1));
}

/**
 * The bounded-influence Huber fit: minimises Σ w_x,i · ρ_k(r_i / s) with ρ quadratic for |r| ≤ k·s
 * and linear beyond, so a gross error in y pulls with bounded force and one in x hardly at all. IRLS
 * from the leverage-weighted least-squares start, row weights w_x,i · min(1, k·s / |r_i|), until no
 * coefficient moves by more than 1e-9 of the largest.
 */
export function huberFit(d: Design, k = HUBER_K): RobustFit | null {
  const wx = leverageWeights(d);
  let beta = weightedLeastSquares(d, wx);
  if (beta === null) return null;
  const w = new Float64Array(d.rows);
  let scale = 0;
  for (let it = 1; it <= MAX_ITERATIONS; it++) {
    const r = residuals(d, beta);
    scale = mad(r) / MAD_TO_SIGMA;
    // Most rows fitted exactly: nothing left to down-weight.
    if (!(scale > 0)) return { coefficients: beta, scale: 0, iterations: it, downweighted: 0 };
    for (let i = 0; i < d.rows; i++) {
      const a = Math.abs(r[i] ?? 0);
      w[i] = (wx[i] ?? 1) * (a <= k * scale ? 1 : (k * scale) / a);
    }
    const next = weightedLeastSquares(d, w);
    if (next === null) return null;
    const moved = maxAbsDiff(next, beta) <= 1e-9 * Math.max(1, maxAbs(next));
    beta = next;
    if (moved) return { coefficients: beta, scale, iterations: it, downweighted: w.filter((x) => x < 1).length };
  }
  return { coefficients: beta, scale, iterations: MAX_ITERATIONS, downweighted: w.filter((x) => x < 1).length };
}

export function predictRow(beta: Float64Array, row: ArrayLike<number>): number {
  let s = 0;
  for (let c = 0; c < beta.length; c++) s += (beta[c] ?? 0) * (row[c] ?? Number.NaN);
  return s;
}

/** min(1, (LEVERAGE_K / d_i)²), d_i = the row's largest robust z-score over the non-constant columns. */
function leverageWeights(d: Design): Float64Array {
  const w = new Float64Array(d.rows).fill(1);
  const column = new Float64Array(d.rows);
  for (let c = 0; c < d.cols; c++) {
    for (let i = 0; i < d.rows; i++) column[i] = d.x[i * d.cols + c] ?? 0;
    const center = median(column);
    const spread = mad(column) / MAD_TO_SIGMA;
    if (!(spread > 0)) continue; // the intercept, or an input constant on most rows
    for (let i = 0; i < d.rows; i++) {
      const z = Math.abs((column[i] ?? 0) - center) / spread;
      if (z > LEVERAGE_K) w[i] = Math.min(w[i] ?? 1, (LEVERAGE_K / z) ** 2);
    }
  }
  return w;
}

function residuals(d: Design, beta: Float64Array): Float64Array {
  const r = new Float64Array(d.rows);
  const { x, y, cols } = d;
  for (let i = 0; i < d.rows; i++) {
    let s = y[i] ?? 0;
    for (let c = 0; c < cols; c++) s -= (beta[c] ?? 0) * (x[i * cols + c] ?? 0);
    r[i] = s;
  }
  return r;
}

/** Median absolute deviation about the median. */
function mad(r: Float64Array): number {
  const m = median(r);
  return median(r.map((v) => Math.abs(v - m)));
}

/** Solves (XᵀWX) β = XᵀWy by Gaussian elimination with partial pivoting; null when singular. */
function weightedLeastSquares(d: Design, w: Float64Array): Float64Array | null {
  const p = d.cols;
  if (d.rows < p) return null;
  const a = new Float64Array(p * (p + 1)); // [p, p + 1]: the normal equations with XᵀWy as last column
  const { x, y } = d;
  for (let i = 0; i < d.rows; i++) {
    const wi = w[i] ?? 0;
    if (wi === 0) continue;
    const base = i * p;
    const yi = y[i] ?? 0;
    for (let r = 0; r < p; r++) {
      const wr = wi * (x[base + r] ?? 0);
      const ar = r * (p + 1);
      for (let c = r; c < p; c++) a[ar + c] = (a[ar + c] ?? 0) + wr * (x[base + c] ?? 0);
      a[ar + p] = (a[ar + p] ?? 0) + wr * yi;
    }
  }
  for (let r = 1; r < p; r++) for (let c = 0; c < r; c++) a[r * (p + 1) + c] = a[c * (p + 1) + r] ?? 0; // symmetric
  return solve(a, p);
}

function solve(a: Float64Array, p: number): Float64Array | null {
  const n1 = p + 1;
  const at = (r: number, c: number): number => a[r * n1 + c] ?? 0;
  let largest = 0;
  for (let r = 0; r < p; r++) largest = Math.max(largest, Math.abs(at(r, r)));
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(at(r, col)) > Math.abs(at(pivot, col))) pivot = r;
    if (!(Math.abs(at(pivot, col)) > 1e-12 * largest)) return null;
    for (let c = 0; c < n1; c++) {
      const t = at(col, c);
      a[col * n1 + c] = at(pivot, c);
      a[pivot * n1 + c] = t;
    }
    for (let r = col + 1; r < p; r++) {
      const f = at(r, col) / at(col, col);
      for (let c = col; c < n1; c++) a[r * n1 + c] = at(r, c) - f * at(col, c);
    }
  }
  const beta = new Float64Array(p);
  for (let r = p - 1; r >= 0; r--) {
    let s = at(r, p);
    for (let c = r + 1; c < p; c++) s -= at(r, c) * (beta[c] ?? 0);
    beta[r] = s / at(r, r);
  }
  return beta;
}

function maxAbs(v: Float64Array): number {
  return v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}
