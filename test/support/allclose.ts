// The vitest face of src/core/numerics.ts: asserts all-close and names the worst element, its
// tolerance ratio and the tolerance in the failure message.
import { expect } from 'vitest';
import { allClose, describeWorst, type Tolerance } from '../../src/core/index.ts';

export type { Tolerance } from '../../src/core/index.ts';

/** Asserts every element within `atol + rtol·max(|expected|, scale)`; the message names the worst element. */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  what = 'values',
  scale?: ArrayLike<number>,
): void {
  const report = allClose(actual, expected, tol, scale);
  expect(report.withinTolerance, describeWorst(report, what)).toBe(true);
  expect(actual.length, `${what}: length`).toBe(expected.length);
}
