// Error figures of a ring run: element-wise against another result (the single-device kernel),
// and against the f64 dense reference on sampled query rows (O, lse, dQ), with fp32 tolerance.
import { denseDqRow, denseOutputRow, type DenseShape } from '../../ring/index.ts';

/** fp32 tolerance of the project: |x − ref| ≤ atol + rtol·|ref|. */
export const FP32_TOLERANCE = { atol: 1e-5, rtol: 1e-4 } as const;

export interface ErrorFigure {
  readonly maxAbsError: number;
  /** Largest |x − ref| / (atol + rtol·|ref|): ≤ 1 means within tolerance. */
  readonly worstToleranceRatio: number;
  readonly withinTolerance: boolean;
}

export class ErrorAccumulator {
  private maxAbs = 0;
  private worst = 0;

  add(actual: number, expected: number): void {
    const err = Math.abs(actual - expected);
    const ratio = err / (FP32_TOLERANCE.atol + FP32_TOLERANCE.rtol * Math.abs(expected));
    // NaN must count as a failure, so compare with !(x <= y).
    if (!(err <= this.maxAbs)) this.maxAbs = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
    if (!(ratio <= this.worst)) this.worst = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio;
  }

  figure(): ErrorFigure {
    return { maxAbsError: this.maxAbs, worstToleranceRatio: this.worst, withinTolerance: this.worst <= 1 };
  }
}

export function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>): ErrorFigure {
  const acc = new ErrorAccumulator();
  for (let i = 0; i < expected.length; i++) acc.add(actual[i] ?? Number.NaN, expected[i] ?? Number.NaN);
  return acc.figure();
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

interface HostTensors {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly dO: Float32Array;
}

/** Compares O, lse and dQ of `rows` (every head) with the f64 dense reference. */
export function denseSpotCheck(
  s: DenseShape,
  x: HostTensors,
  got: { readonly o: Float32Array; readonly lse: Float32Array; readonly dq: Float32Array },
  rows: readonly number[],
): DenseSpotCheck {
  const o = new ErrorAccumulator();
  const lse = new ErrorAccumulator();
  const dq = new ErrorAccumulator();
  for (const t of rows) {
    for (let h = 0; h < s.H; h++) {
      const ref = denseOutputRow(s, x.q, x.k, x.v, t, h);
      const dqRef = denseDqRow(s, x, t, h);
      const base = (t * s.H + h) * s.D;
      lse.add(got.lse[t * s.H + h] ?? Number.NaN, ref.lse);
      for (let d = 0; d < s.D; d++) {
        o.add(got.o[base + d] ?? Number.NaN, ref.o[d] ?? 0);
        dq.add(got.dq[base + d] ?? Number.NaN, dqRef[d] ?? 0);
      }
    }
  }
  return { rows, o: o.figure(), lse: lse.figure(), dq: dq.figure() };
}
