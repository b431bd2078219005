// Plain-TypeScript reference for matmul (f64 accumulation), shared by tests and `bench kernels`.
// Also returns Σ_k |a·b| per output: the scale of f32 rounding error in a length-K dot product.
import { allClose, type Tolerance } from '../../core/index.ts';

export interface MatmulRefShape {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batch?: number;
  /** A is stored [K, M] (we multiply by its transpose). */
  readonly transA?: boolean;
  /** B is stored [N, K]. */
  readonly transB?: boolean;
  /** Elements between batches of A; default M·K, 0 = one A for every batch. */
  readonly batchStrideA?: number;
  /** Elements between batches of B; default K·N, 0 = one B for every batch. */
  readonly batchStrideB?: number;
}

export interface MatmulRefResult {
  /** C: [batch, M, N] row-major. */
  readonly out: Float64Array;
  /** Σ_k |A[m,k]·B[k,n]| for each output (same layout as out). */
  readonly absSum: Float64Array;
}

/** C[b] = op(A[b]) · op(B[b]) in f64. */
export function matmulRef(a: ArrayLike<number>, b: ArrayLike<number>, shape: MatmulRefShape): MatmulRefResult {
  const { M, N, K } = shape;
  const batch = shape.batch ?? 1;
  const sa = shape.batchStrideA ?? M * K;
  const sb = shape.batchStrideB ?? K * N;
  const out = new Float64Array(batch * M * N);
  const absSum = new Float64Array(batch * M * N);
  const aAt = (base: number, m: number, k: number): number => a[base + (shape.transA ? k * M + m : m * K + k)] ?? 0;
  const bAt = (base: number, k: number, n: number): number => b[base + (shape.transB ? n * K + k : k * N + n)] ?? 0;
  for (let z = 0; z < batch; z++) {
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let sum = 0;
        let abs = 0;
        for (let k = 0; k < K; k++) {
          const p = aAt(z * sa, m, k) * bAt(z * sb, k, n);
          sum += p;
          abs += Math.abs(p);
        }
        out[(z * M + m) * N + n] = sum;
        absSum[(z * M + m) * N + n] = abs;
      }
    }
  }
  return { out, absSum };
}

/**
 * Worst violation of |got − ref| <= atol + rtol·Σ|a·b| (undefined when all pass). The scale is
 * Σ|a·b| rather than |ref| because a dot product's f32 rounding error is bounded by
 * K·u·Σ|a·b| (Higham, Accuracy and Stability §3.1): with cancellation |ref| can be ~0 while the
 * rounding error is not, so an |ref|-relative bound would fail correct kernels at random.
 */
export function matmulMismatch(
  got: ArrayLike<number>,
  ref: MatmulRefResult,
  tol: Tolerance,
): { index: number; got: number; expected: number; bound: number; maxAbsError: number } | undefined {
  const report = allClose(got, ref.out, tol, ref.absSum);
  const w = report.worst;
  if (report.withinTolerance || !w) return undefined;
  return { index: w.index, got: w.actual, expected: w.expected, bound: w.bound, maxAbsError: report.maxAbsError };
}
