// Bias add, residual add (out of place and in place) and the bias gradient match their f64
// references on every checked case of src/bench/kernels/elementwise.case.ts (sizes that are not
// multiples of the workgroup, and the quick cases the gate times); the bias backward passes gradcheck.
import { expect, it } from 'vitest';
import { seededF32 } from '../../src/core/index.ts';
import { biasAddRef, biasGradRef } from '../../src/kernels/index.ts';
import cases from '../../src/bench/kernels/elementwise.case.ts';
import { describeGpu } from '../support/gpu.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { checkCases } from './kernel-cases.ts';

describeGpu('bias and residual add match reference', (gpu) => checkCases(gpu, cases));

it('bias-add backward reference passes a finite-difference check (f64)', () => {
  const [rows, cols] = [7, 5];
  const x = Float64Array.from(seededF32(rows * cols, 7));
  const w = Float64Array.from(seededF32(rows * cols, 8)); // loss = Σ w ⊙ (x + b)
  const loss = (b: Float64Array): number => biasAddRef(x, b, rows, cols).reduce((s, v, i) => s + v * (w[i] ?? 0), 0);
  const result = gradCheck(loss, Float64Array.from(seededF32(cols, 9)), biasGradRef(w, rows, cols));
  expect(result.worst.relError).toBeLessThan(1e-7); // central differences in f64 at eps 1e-6
});
