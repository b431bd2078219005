// Numeric comparison with a tolerance that grows with magnitude (|x - ref| <= atol + rtol·|ref|),
// reporting the worst element so a failure says where and by how much.
import { expect } from 'vitest';

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export interface Mismatch {
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
  readonly excess: number;
  readonly maxAbsError: number;
}

/** Worst violation of the tolerance, or undefined when every element is within it. */
export function worstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): Mismatch | undefined {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length} != expected length ${expected.length}`);
  }
  let worst: Mismatch | undefined;
  let maxAbsError = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] ?? Number.NaN;
    const e = expected[i] ?? Number.NaN;
    const err = Math.abs(a - e);
    if (!(err <= maxAbsError)) maxAbsError = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
    const excess = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err - (tol.atol + tol.rtol * Math.abs(e));
    if (excess > 0 && (!worst || excess > worst.excess)) worst = { index: i, actual: a, expected: e, excess, maxAbsError: 0 };
  }
  return worst ? { ...worst, maxAbsError } : undefined;
}

/** Asserts every element within `atol + rtol·|expected|`; the message names the worst element. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what = 'values'): void {
  const worst = worstMismatch(actual, expected, tol);
  expect(
    worst,
    worst &&
      `${what}[${worst.index}] = ${worst.actual}, expected ${worst.expected} (atol ${tol.atol}, rtol ${tol.rtol}; max abs error ${worst.maxAbsError})`,
  ).toBeUndefined();
}
