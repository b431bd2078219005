// Layer norm forward (y, mean, rstd) and backward (dx, dgamma, dbeta) match the f64 reference on
// odd shapes; the reference backward passes a finite-difference check of all three gradients.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LayerNorm, layerNormBackwardRef, layerNormForwardRef } from '../../src/kernels/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import { TestBuffers } from './training-ops-support.ts';

describeGpu('layer norm matches reference', (gpu) => {
  let ln: LayerNorm;
  let bufs: TestBuffers;
  beforeAll(async () => {
    ln = await LayerNorm.prepare(gpu());
    bufs = new TestBuffers(gpu());
  });
  afterAll(() => {
    ln.destroy();
    bufs.destroy();
  });

  // 4,194,319 rows × 1 col: more row lanes than 65,535 workgroups of 64 hold, so the grid folds to 2-D.
  for (const [rows, cols] of [
    [1, 7],
    [67, 33],
    [130, 64],
    [2003, 24],
    [301, 21],
    [4_194_319, 1],
  ] as const) {
    it(`forward and backward over [${rows}, ${cols}]`, async () => {
      const n = rows * cols;
      const x = seededF32(n, 11, -2, 3);
      const gamma = seededF32(cols, 12, 0.5, 1.5);
      const beta = seededF32(cols, 13);
      const dy = seededF32(n, 14);
      const io = {
        x: bufs.upload(x, 'x'),
        gamma: bufs.upload(gamma, 'gamma'),
        beta: bufs.upload(beta, 'beta'),
        y: bufs.zeros(n, 'y'),
        mean: bufs.zeros(rows, 'mean'),
        rstd: bufs.zeros(rows, 'rstd'),
      };
      await ln.run(io, { rows, cols });
      const ref = layerNormForwardRef(x, gamma, beta, rows, cols);
      expectAllClose(await bufs.read(io.y, n), ref.y, FP32_TOLERANCE, 'y'); // atol 1e-5, rtol 1e-4
      expectAllClose(await bufs.read(io.mean, rows), ref.mean, FP32_TOLERANCE, 'mean'); // atol 1e-5, rtol 1e-4
      expectAllClose(await bufs.read(io.rstd, rows), ref.rstd, FP32_TOLERANCE, 'rstd'); // atol 1e-5, rtol 1e-4

      const grads = { dx: bufs.zeros(n, 'dx'), dgamma: bufs.zeros(cols, 'dgamma'), dbeta: bufs.zeros(cols, 'dbeta') };
      await ln.runBackward(
        { x: io.x, gamma: io.gamma, mean: io.mean, rstd: io.rstd, dy: bufs.upload(dy, 'dy'), ...grads },
        { rows, cols },
      );
      const back = layerNormBackwardRef(x, gamma, ref.mean, ref.rstd, dy, rows, cols);
      expectAllClose(await bufs.read(grads.dx, n), back.dx, FP32_TOLERANCE, 'dx'); // atol 1e-5, rtol 1e-4
      expectAllClose(await bufs.read(grads.dgamma, cols), back.dgamma, FP32_TOLERANCE, 'dgamma'); // atol 1e-5, rtol 1e-4
      expectAllClose(await bufs.read(grads.dbeta, cols), back.dbeta, FP32_TOLERANCE, 'dbeta'); // atol 1e-5, rtol 1e-4
    });
  }
});

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
