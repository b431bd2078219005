// Error figures of a ring run: element-wise against another result (the single-device kernel),
// and against the kernels' f64 dense reference on sampled query rows (O, lse, dQ), at fp32
// tolerance (src/core/numerics.ts).
import { allClose, CloseAccumulator, FP32_TOLERANCE, type AllCloseReport } from '../../core/index.ts';
import { attentionDqRowRef, attentionRowRef, contiguousPositions } from '../../kernels/index.ts';

/** The three figures `bench ring` reports per tensor (JSON field names are part of its output). */
export interface ErrorFigure {
  readonly maxAbsError: number;
  /** Largest |x − ref| / (atol + rtol·|ref|): ≤ 1 means within tolerance. */
  readonly worstToleranceRatio: number;
  readonly withinTolerance: boolean;
}

function figureOf(report: AllCloseReport): ErrorFigure {
  return {
    maxAbsError: report.maxAbsError,
    worstToleranceRatio: report.worstToleranceRatio,
    withinTolerance: report.withinTolerance,
  };
}

/** Element-wise error figures at fp32 tolerance. */
export function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>): ErrorFigure {
  return figureOf(allClose(actual, expected, FP32_TOLERANCE));
}

/** `count` query rows spread over [0, T): the first, the last and evenly between. */
export function sampleRows(T: number, count: number): number[] {
  if (count >= T) return [...Array(T).keys()];
  const rows = new Set<number>();
  for (let i = 0; i < count; i++) rows.add(Math.round((i * (T - 1)) / Math.max(1, count - 1)));
  return [...rows];
}

export interface DenseSpotCheck {
  readonly rows: readonly number[];
  readonly o: ErrorFigure;
  readonly lse: ErrorFigure;
  readonly dq: ErrorFigure;
}

/** The ring's host inputs: q, k, v, dO `[T, H, D]` f32. */
export interface HostTensors {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly dO: Float32Array;
}

/** The attention a ring run computes: T contiguous rows, H heads of size D. */
export interface DenseShape {
  readonly T: number;
  readonly H: number;
  readonly D: number;
  readonly causal: boolean;
}

/** Compares O, lse and dQ of `rows` (every head) with the f64 dense reference. */
export function denseSpotCheck(
  s: DenseShape,
  x: HostTensors,
  got: { readonly o: Float32Array; readonly lse: Float32Array; readonly dq: Float32Array },
  rows: readonly number[],
): DenseSpotCheck {
  const config = { heads: s.H, headDim: s.D, causal: s.causal };
  const pos = contiguousPositions(s.T);
  const inputs = { q: x.q, k: x.k, v: x.v, qPos: pos, kPos: pos };
  const [o, lse, dq] = [new CloseAccumulator(), new CloseAccumulator(), new CloseAccumulator()];
  for (const t of rows) {
    for (let h = 0; h < s.H; h++) {
      const ref = attentionRowRef(config, inputs, t, h);
      const dqRef = attentionDqRowRef(config, inputs, x.dO, t, h);
      const base = (t * s.H + h) * s.D;
      lse.add(got.lse[t * s.H + h] ?? Number.NaN, ref.lse);
      for (let d = 0; d < s.D; d++) {
        o.add(got.o[base + d] ?? Number.NaN, ref.o[d] ?? Number.NaN);
        dq.add(got.dq[base + d] ?? Number.NaN, dqRef[d] ?? Number.NaN);
      }
    }
  }
  return { rows, o: figureOf(o.report()), lse: figureOf(lse.report()), dq: figureOf(dq.report()) };
}
