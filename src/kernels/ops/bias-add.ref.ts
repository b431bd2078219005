// Plain-TS references (f64) for bias add, residual add and the bias gradient (column sum).

/** y[n, c] = x[n, c] + bias[c]; x: [rows, cols] row-major. */
export function biasAddRef(x: ArrayLike<number>, bias: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) y[r * cols + c] = (x[r * cols + c] ?? 0) + (bias[c] ?? 0);
  }
  return y;
}

/** Bias gradient: db[c] = Σ_n dy[n, c] (the column sum); dx = dy is the identity. */
export function biasGradRef(dy: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) db[c] = (db[c] ?? 0) + (dy[r * cols + c] ?? 0);
  }
  return db;
}

/** out = x + y, element-wise. */
export function residualAddRef(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: x.length }, (_, i) => (x[i] ?? 0) + (y[i] ?? 0));
}
