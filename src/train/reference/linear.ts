// y = x·W + b for x [rows, in], W [in, out] row-major, and its backward, built from the kernels'
// f64 matmul and bias references; gradients are accumulated into the caller's buffers.
import { biasAddRef, biasGradRef, matmulRef } from '../../kernels/index.ts';

export interface LinearShape {
  readonly rows: number;
  readonly inDim: number;
  readonly outDim: number;
}

export function linearForward(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  s: LinearShape,
): Float64Array {
  const xw = matmulRef(x, w, { M: s.rows, N: s.outDim, K: s.inDim }).out;
  return biasAddRef(xw, b, s.rows, s.outDim);
}

/** dst += src, element-wise. */
export function addInto(dst: Float64Array, src: ArrayLike<number>): void {
  for (let i = 0; i < dst.length; i++) dst[i] = (dst[i] ?? 0) + (src[i] ?? Number.NaN);
}

/** Adds dW = xᵀ·dy and db = Σ_rows dy into gw, gb; returns dx = dy·Wᵀ [rows, in]. */
export function linearBackward(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  dy: ArrayLike<number>,
  s: LinearShape,
  grads: { readonly w: Float64Array; readonly b: Float64Array },
): Float64Array {
  addInto(grads.w, matmulRef(x, dy, { M: s.inDim, N: s.outDim, K: s.rows, transA: true }).out);
  addInto(grads.b, biasGradRef(dy, s.rows, s.outDim));
  return matmulRef(dy, w, { M: s.rows, N: s.inDim, K: s.outDim, transB: true }).out;
}
