// The global gradient norm over several buffers of different (odd) sizes matches the f64
// reference, and clipping scales every buffer by min(1, maxNorm/(norm + 1e-6)) — or leaves it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GradNorm, clipGradsRef, gradNormRef } from '../../src/kernels/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import { TestBuffers } from './training-ops-support.ts';

const SIZES = [1, 37, 1031, 70_001, 1_050_001];

describeGpu('grad norm clips across buffers', (gpu) => {
  let gradNorm: GradNorm;
  let bufs: TestBuffers;
  beforeAll(async () => {
    gradNorm = await GradNorm.prepare(gpu());
    bufs = new TestBuffers(gpu());
  });
  afterAll(() => {
    gradNorm.destroy();
    bufs.destroy();
  });

  const cases = [
    { label: 'norm only (maxNorm 0)', maxNorm: 0 },
    { label: 'clipped (maxNorm below the norm)', maxNorm: 1.5 },
    { label: 'not clipped (maxNorm above the norm)', maxNorm: 1e4 },
  ];
  for (const { label, maxNorm } of cases) {
    it(`${label} over buffers of ${SIZES.join(', ')} values`, async () => {
      const grads = SIZES.map((n, i) => seededF32(n, 70 + i, -0.1 * (i + 1), 0.1 * (i + 1)));
      const slices = grads.map((g, i) => ({ buffer: bufs.upload(g, `grad${i}`), count: g.length }));
      const result = bufs.zeros(2, 'result');
      await gradNorm.run(slices, result, maxNorm);
      const ref = gradNormRef(grads, maxNorm);
      if (maxNorm === 1.5) expect(ref.scale).toBeLessThan(1); // the case really clips
      if (maxNorm === 1e4) expect(ref.scale).toBe(1);
      expectAllClose(await bufs.read(result, 2), [ref.norm, ref.scale], FP32_TOLERANCE, 'result [norm, scale]'); // atol 1e-5, rtol 1e-4
      const clipped = clipGradsRef(grads, maxNorm > 0 ? ref.scale : 1);
      for (const [i, s] of slices.entries()) {
        expectAllClose(await bufs.read(s.buffer, s.count), clipped[i] ?? [], FP32_TOLERANCE, `grad${i}`); // atol 1e-5, rtol 1e-4
      }
    });
  }

  it('counts only the first `count` values of a larger buffer', async () => {
    const data = seededF32(1000, 80);
    const buffer = bufs.upload(data, 'grad');
    const result = bufs.zeros(2, 'result');
    await gradNorm.run([{ buffer, count: 333 }], result);
    expectAllClose(
      await bufs.read(result, 2),
      [gradNormRef([data.subarray(0, 333)]).norm, 1],
      FP32_TOLERANCE,
      'result',
    ); // atol 1e-5, rtol 1e-4
  });
});
