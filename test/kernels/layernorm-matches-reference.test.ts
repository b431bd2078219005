// Layer norm forward (y, mean, rstd) and backward (dx, dgamma, dbeta) match the f64 reference on
// every checked case of src/bench/kernels/layernorm.case.ts (odd shapes, and the quick cases the
// gate times); the reference backward passes a finite-difference check of all three gradients.
import { expect, it } from 'vitest';
import { seededF32 } from '../../src/core/index.ts';
import { layerNormBackwardRef, layerNormForwardRef } from '../../src/kernels/index.ts';
import cases from '../../src/bench/kernels/layernorm.case.ts';
import { describeGpu } from '../support/gpu.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { checkCases } from './kernel-cases.ts';

describeGpu('layer norm matches reference', (gpu) => checkCases(gpu, cases));

it('layer norm backward reference passes a finite-difference check (f64)', () => {
  const [rows, cols] = [5, 9];
  const x = Float64Array.from(seededF32(rows * cols, 21, -2, 2));
  const gamma = Float64Array.from(seededF32(cols, 22, 0.5, 1.5));
  const beta = Float64Array.from(seededF32(cols, 23));
  const w = Float64Array.from(seededF32(rows * cols, 24)); // loss = Σ w ⊙ y, so dy = w
  const dot = (y: Float64Array): number => y.reduce((s, v, i) => s + v * (w[i] ?? 0), 0);
  const fwd = layerNormForwardRef(x, gamma, beta, rows, cols);
  const back = layerNormBackwardRef(x, gamma, fwd.mean, fwd.rstd, w, rows, cols);
  const checks = [
    gradCheck((v) => dot(layerNormForwardRef(v, gamma, beta, rows, cols).y), x, back.dx, { samples: rows * cols }),
    gradCheck((v) => dot(layerNormForwardRef(x, v, beta, rows, cols).y), gamma, back.dgamma, { samples: cols }),
    gradCheck((v) => dot(layerNormForwardRef(x, gamma, v, rows, cols).y), beta, back.dbeta, { samples: cols }),
  ];
  for (const c of checks) expect(c.worst.relError).toBeLessThan(1e-6); // central differences in f64 at eps 1e-6
});
