// The project's numerics, defined once: the fp32 tolerance, an all-close comparison that names the
// worst element and its tolerance ratio, and the seeded generator tests and benchmarks draw from.

/** |x − ref| ≤ atol + rtol·scale, where scale is |ref| unless a caller knows a better magnitude. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** fp32 results against an f64 reference: |x − ref| ≤ 1e-5 + 1e-4·|ref|. */
export const FP32_TOLERANCE: Tolerance = Object.freeze({ atol: 1e-5, rtol: 1e-4 });

/** The element furthest outside (or least inside) its tolerance. */
export interface WorstElement {
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
  /** atol + rtol·scale for this element. */
  readonly bound: number;
  /** |actual − expected| / bound (∞ for NaN). */
  readonly ratio: number;
}

export interface AllCloseReport {
  /** Elements compared: the longer length (a missing element compares as NaN). */
  readonly count: number;
  readonly maxAbsError: number;
  /** Largest |x − ref| / (atol + rtol·scale): ≤ 1 means within tolerance. */
  readonly worstToleranceRatio: number;
  readonly withinTolerance: boolean;
  /** Undefined only when nothing was compared. */
  readonly worst: WorstElement | undefined;
  readonly tolerance: Tolerance;
}

/** Folds element pairs in one at a time (for comparisons gathered row by row). */
export class CloseAccumulator {
  private count = 0;
  private maxAbs = 0;
  private worst: WorstElement | undefined;

  constructor(private readonly tolerance: Tolerance = FP32_TOLERANCE) {}

  /** `scale` replaces |expected| in the rtol term when larger (e.g. Σ|terms| of a sum). */
  add(actual: number, expected: number, scale = 0, index = this.count): void {
    const err = Math.abs(actual - expected);
    const bound = this.tolerance.atol + this.tolerance.rtol * Math.max(Math.abs(expected), scale);
    // err 0 is within any bound, even 0 (an exact comparison); NaN is outside every bound.
    const ratio = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err === 0 ? 0 : err / bound;
    this.count++;
    // NaN must count as a failure, so compare with !(x <= y).
    if (!(err <= this.maxAbs)) this.maxAbs = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
    if (!this.worst || ratio > this.worst.ratio) this.worst = { index, actual, expected, bound, ratio };
  }

  report(): AllCloseReport {
    const ratio = this.worst?.ratio ?? 0;
    return {
      count: this.count,
      maxAbsError: this.maxAbs,
      worstToleranceRatio: ratio,
      withinTolerance: ratio <= 1,
      worst: this.worst,
      tolerance: this.tolerance,
    };
  }
}

/**
 * Compares `actual` with `expected` element by element. `scale` (optional, per element) replaces
 * |expected| in the rtol term where it is larger: an f32 sum or dot product is accurate relative to
 * Σ|terms| (Higham, Accuracy and Stability §3.1), and cancellation can make |ref| arbitrarily small.
 */
export function allClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance = FP32_TOLERANCE,
  scale?: ArrayLike<number>,
): AllCloseReport {
  const acc = new CloseAccumulator(tolerance);
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) acc.add(actual[i] ?? Number.NaN, expected[i] ?? Number.NaN, scale?.[i] ?? 0, i);
  return acc.report();
}

/** One line naming the worst element, e.g. `o[12] = 0.51, expected 0.5 (ratio 3.2 of atol 1e-5 + rtol 1e-4·scale)`. */
export function describeWorst(report: AllCloseReport, what = 'values'): string {
  const w = report.worst;
  const tol = `atol ${report.tolerance.atol}, rtol ${report.tolerance.rtol}`;
  if (!w) return `${what}: nothing compared (${tol})`;
  return (
    `${what}[${w.index}] = ${w.actual}, expected ${w.expected}: |error| is ${w.ratio.toPrecision(3)}× its bound ` +
    `${w.bound.toPrecision(3)} (${tol}; max abs error ${report.maxAbsError} over ${report.count} values)`
  );
}

/**
 * `length` deterministic values, uniform in [lo, hi): a 32-bit LCG (Numerical Recipes' constants)
 * whose top 24 bits make each value, so every value is exactly representable in f32 and the f32
 * kernels and their f64 references see the same inputs. The seed names the array in failures.
 */
export function seededF32(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  }
  return out;
}
