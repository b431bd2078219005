// The global gradient norm over several buffers of different (odd) sizes matches the f64
// reference on every checked case of src/bench/kernels/gradnorm.case.ts, and clipping scales every
// buffer by min(1, maxNorm/(norm + 1e-6)) — or leaves it; the clipping cases really straddle the norm.
import { expect, it } from 'vitest';
import { gradNormRef } from '../../src/kernels/index.ts';
import cases, { CLIPPING_MAX_NORM, NON_CLIPPING_MAX_NORM, oddGrads } from '../../src/bench/kernels/gradnorm.case.ts';
import { describeGpu } from '../support/gpu.ts';
import { checkCases } from './kernel-cases.ts';

describeGpu('grad norm clips across buffers', (gpu) => checkCases(gpu, cases));

it('the clipping cases clip below the norm and leave the gradients alone above it', () => {
  expect(gradNormRef(oddGrads(), CLIPPING_MAX_NORM).scale).toBeLessThan(1);
  expect(gradNormRef(oddGrads(), NON_CLIPPING_MAX_NORM).scale).toBe(1);
});
