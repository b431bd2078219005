// GELU (tanh approximation) forward and backward match the f64 reference on an odd length,
// including large |x| where a naive tanh overflows; the reference backward passes gradcheck.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Gelu, geluBackwardRef, geluRef } from '../../src/kernels/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import { TestBuffers } from './training-ops-support.ts';

describeGpu('gelu matches reference', (gpu) => {
  let gelu: Gelu;
  let bufs: TestBuffers;
  beforeAll(async () => {
    gelu = await Gelu.prepare(gpu());
    bufs = new TestBuffers(gpu());
  });
  afterAll(() => bufs.destroy());

  // 1,100,003 > 1,024 workgroups × 256 lanes × 4 (vec4), so grid-stride lanes loop.
  for (const n of [1, 257, 1_100_003]) {
    it(`forward and backward over ${n} values`, async () => {
      const x = seededF32(n, 31, -6, 6);
      if (n > 4) x.set([0, -0.0, 60, -60]); // zero and |x| where exp(2u) overflows f32
      const dy = seededF32(n, 32);
      const xBuf = bufs.upload(x, 'x');
      const y = bufs.zeros(n, 'y');
      const dx = bufs.zeros(n, 'dx');
      await gelu.run({ x: xBuf, y }, n);
      await gelu.runBackward({ x: xBuf, dy: bufs.upload(dy, 'dy'), dx }, n);
      expectAllClose(await bufs.read(y, n), geluRef(x), FP32_TOLERANCE, 'y'); // atol 1e-5, rtol 1e-4
      expectAllClose(await bufs.read(dx, n), geluBackwardRef(x, dy), FP32_TOLERANCE, 'dx'); // atol 1e-5, rtol 1e-4
    });
  }
});

it('gelu backward reference passes a finite-difference check (f64)', () => {
  const x = Float64Array.from(seededF32(64, 33, -5, 5));
  const w = Float64Array.from(seededF32(64, 34)); // loss = Σ w ⊙ gelu(x), so dy = w
  const loss = (v: Float64Array): number => geluRef(v).reduce((s, g, i) => s + g * (w[i] ?? 0), 0);
  // eps 1e-5 and floor 1e-4: near x = −5 the gradient is ~1e-6, where the summed loss's roundoff
  // (~|loss|·1e-16/eps ≈ 1e-10 absolute) would dominate a purely relative error.
  const result = gradCheck(loss, x, geluBackwardRef(x, w), { samples: 64, eps: 1e-5, floor: 1e-4 });
  expect(result.worst.relError).toBeLessThan(1e-6); // central differences in f64
});
