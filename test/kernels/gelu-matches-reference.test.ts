// GELU (tanh approximation) forward and backward match the f64 reference on every checked case of
// src/bench/kernels/gelu.case.ts (odd lengths, large |x| where a naive tanh overflows, and the
// quick cases the gate times); the reference backward passes gradcheck.
import { expect, it } from 'vitest';
import { seededF32 } from '../../src/core/index.ts';
import { geluBackwardRef, geluRef } from '../../src/kernels/index.ts';
import cases from '../../src/bench/kernels/gelu.case.ts';
import { describeGpu } from '../support/gpu.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { checkCases } from './kernel-cases.ts';

describeGpu('gelu matches reference', (gpu) => checkCases(gpu, cases));

it('gelu backward reference passes a finite-difference check (f64)', () => {
  const x = Float64Array.from(seededF32(64, 33, -5, 5));
  const w = Float64Array.from(seededF32(64, 34)); // loss = Σ w ⊙ gelu(x), so dy = w
  const loss = (v: Float64Array): number => geluRef(v).reduce((s, g, i) => s + g * (w[i] ?? 0), 0);
  // eps 1e-5 and floor 1e-4: near x = −5 the gradient is ~1e-6, where the summed loss's roundoff
  // (~|loss|·1e-16/eps ≈ 1e-10 absolute) would dominate a purely relative error.
  const result = gradCheck(loss, x, geluBackwardRef(x, w), { samples: 64, eps: 1e-5, floor: 1e-4 });
  expect(result.worst.relError).toBeLessThan(1e-6); // central differences in f64
});
