// Plain-TS (f64) GELU, tanh approximation as in GPT-2 (same formulas as shaders/gelu.wgsl).

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const K = 0.044715;

export function geluRef(x: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: x.length }, (_, i) => {
    const v = x[i] ?? Number.NaN;
    return 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + K * v ** 3)));
  });
}

/** dx = dy · gelu'(x). */
export function geluBackwardRef(x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: x.length }, (_, i) => {
    const v = x[i] ?? Number.NaN;
    const t = Math.tanh(SQRT_2_OVER_PI * (v + K * v ** 3));
    const du = SQRT_2_OVER_PI * (1 + 3 * K * v * v);
    return (dy[i] ?? Number.NaN) * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
  });
}
