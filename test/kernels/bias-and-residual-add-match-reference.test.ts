// Bias add, residual add (out of place and in place) and the bias gradient match their f64
// references on sizes that are not multiples of the workgroup; the bias backward passes gradcheck.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BiasAdd, ResidualAdd, biasAddRef, biasGradRef, residualAddRef } from '../../src/kernels/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import { TestBuffers } from './training-ops-support.ts';

describeGpu('bias and residual add match reference', (gpu) => {
  let bias: BiasAdd;
  let residual: ResidualAdd;
  let bufs: TestBuffers;
  beforeAll(async () => {
    [bias, residual] = await Promise.all([BiasAdd.prepare(gpu()), ResidualAdd.prepare(gpu())]);
    bufs = new TestBuffers(gpu());
  });
  afterAll(() => {
    bias.destroy();
    bufs.destroy();
  });

  // [2003, 131] and [8761, 124] exceed 1,024 workgroups × 256 lanes (scalars, vec4): lanes loop.
  for (const [rows, cols] of [
    [1, 1],
    [37, 19],
    [301, 67],
    [1000, 3],
    [203, 36],
    [2003, 131],
    [8761, 124],
  ] as const) {
    it(`adds a bias over [${rows}, ${cols}] out of place and in place`, async () => {
      const x = seededF32(rows * cols, 1);
      const b = seededF32(cols, 2);
      const xBuf = bufs.upload(x, 'x');
      const y = bufs.zeros(rows * cols, 'y');
      await bias.run({ x: xBuf, bias: bufs.upload(b, 'bias'), y }, { rows, cols });
      const want = biasAddRef(x, b, rows, cols);
      expectAllClose(await bufs.read(y, rows * cols), want, FP32_TOLERANCE, 'y'); // atol 1e-5, rtol 1e-4
      await bias.runInPlace({ xy: xBuf, bias: bufs.upload(b, 'bias2') }, { rows, cols });
      expectAllClose(await bufs.read(xBuf, rows * cols), want, FP32_TOLERANCE, 'xy'); // atol 1e-5, rtol 1e-4
    });

    it(`sums the bias gradient over [${rows}, ${cols}]`, async () => {
      const dy = seededF32(rows * cols, 3);
      const db = bufs.zeros(cols, 'db');
      await bias.runGrad({ dy: bufs.upload(dy, 'dy'), dbias: db }, { rows, cols });
      expectAllClose(await bufs.read(db, cols), biasGradRef(dy, rows, cols), FP32_TOLERANCE, 'db'); // atol 1e-5, rtol 1e-4
    });
  }

  it('sums a tall gradient [8760, 24] in two passes', async () => {
    const [rows, cols] = [8760, 24];
    const dy = seededF32(rows * cols, 4);
    const db = bufs.zeros(cols, 'db');
    await bias.runGrad({ dy: bufs.upload(dy, 'dy'), dbias: db }, { rows, cols });
    expectAllClose(await bufs.read(db, cols), biasGradRef(dy, rows, cols), FP32_TOLERANCE, 'db'); // atol 1e-5, rtol 1e-4
  });

  it('adds residuals of odd length out of place and in place', async () => {
    const n = 1_100_003; // > 1,024 workgroups × 256 lanes × 4: grid-stride lanes loop
    const x = seededF32(n, 5);
    const y = seededF32(n, 6);
    const out = bufs.zeros(n, 'out');
    const yBuf = bufs.upload(y, 'y');
    const acc = bufs.upload(x, 'acc');
    await residual.run({ x: bufs.upload(x, 'x'), y: yBuf, out }, n);
    await residual.runInPlace({ acc, y: yBuf }, n);
    const want = residualAddRef(x, y);
    expectAllClose(await bufs.read(out, n), want, FP32_TOLERANCE, 'out'); // atol 1e-5, rtol 1e-4
    expectAllClose(await bufs.read(acc, n), want, FP32_TOLERANCE, 'acc'); // atol 1e-5, rtol 1e-4
  });
});

it('bias-add backward reference passes a finite-difference check (f64)', () => {
  const [rows, cols] = [7, 5];
  const x = Float64Array.from(seededF32(rows * cols, 7));
  const w = Float64Array.from(seededF32(rows * cols, 8)); // loss = Σ w ⊙ (x + b)
  const loss = (b: Float64Array): number => biasAddRef(x, b, rows, cols).reduce((s, v, i) => s + v * (w[i] ?? 0), 0);
  const result = gradCheck(loss, Float64Array.from(seededF32(cols, 9)), biasGradRef(w, rows, cols));
  expect(result.worst.relError).toBeLessThan(1e-7); // central differences in f64 at eps 1e-6
});
