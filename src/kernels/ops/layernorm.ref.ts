// Plain-TS (f64) layer norm over the last axis of x: [rows, cols], with the same saved
// statistics as the kernel (mean and rstd = 1/√(var + eps) per row, biased variance).

export interface LayerNormForwardRef {
  readonly y: Float64Array;
  readonly mean: Float64Array;
  readonly rstd: Float64Array;
}

export interface LayerNormBackwardRef {
  readonly dx: Float64Array;
  readonly dgamma: Float64Array;
  readonly dbeta: Float64Array;
}

type Vec = ArrayLike<number>;
const at = (a: Vec, i: number): number => a[i] ?? Number.NaN;

export function layerNormForwardRef(
  x: Vec,
  gamma: Vec,
  beta: Vec,
  rows: number,
  cols: number,
  eps = 1e-5,
): LayerNormForwardRef {
  const y = new Float64Array(rows * cols);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += at(x, r * cols + c);
    const m = sum / cols;
    let sq = 0;
    for (let c = 0; c < cols; c++) sq += (at(x, r * cols + c) - m) ** 2;
    const s = 1 / Math.sqrt(sq / cols + eps);
    for (let c = 0; c < cols; c++) y[r * cols + c] = (at(x, r * cols + c) - m) * s * at(gamma, c) + at(beta, c);
    mean[r] = m;
    rstd[r] = s;
  }
  return { y, mean, rstd };
}

/** Gradients given dy and the forward's saved mean/rstd (see shaders/layernorm.wgsl for the formulas). */
export function layerNormBackwardRef(
  x: Vec,
  gamma: Vec,
  mean: Vec,
  rstd: Vec,
  dy: Vec,
  rows: number,
  cols: number,
): LayerNormBackwardRef {
  const dx = new Float64Array(rows * cols);
  const dgamma = new Float64Array(cols);
  const dbeta = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const m = at(mean, r);
    const s = at(rstd, r);
    let gSum = 0;
    let gxSum = 0;
    for (let c = 0; c < cols; c++) {
      const xhat = (at(x, r * cols + c) - m) * s;
      const d = at(dy, r * cols + c);
      gSum += d * at(gamma, c);
      gxSum += d * at(gamma, c) * xhat;
      dgamma[c] = (dgamma[c] ?? 0) + d * xhat;
      dbeta[c] = (dbeta[c] ?? 0) + d;
    }
    for (let c = 0; c < cols; c++) {
      const xhat = (at(x, r * cols + c) - m) * s;
      dx[r * cols + c] = s * (at(dy, r * cols + c) * at(gamma, c) - gSum / cols - (xhat * gxSum) / cols);
    }
  }
  return { dx, dgamma, dbeta };
}
