// MSE loss forward (mean over all elements, or over a mask) and backward match the f64 reference
// on odd lengths, one-workgroup and many-workgroup; the reference backward passes gradcheck.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Mse, mseBackwardRef, mseRef } from '../../src/kernels/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import { TestBuffers } from './training-ops-support.ts';

const maskOf = (n: number, seed: number): Float32Array => seededF32(n, seed).map((v) => (v > -0.3 ? 1 : 0));

describeGpu('mse loss matches reference', (gpu) => {
  let mse: Mse;
  let bufs: TestBuffers;
  beforeAll(async () => {
    mse = await Mse.prepare(gpu());
    bufs = new TestBuffers(gpu());
  });
  afterAll(() => {
    mse.destroy();
    bufs.destroy();
  });

  for (const n of [1, 1001, 210_241]) {
    for (const masked of [false, true]) {
      it(`loss and gradient over ${n} values${masked ? ' with a mask' : ''}`, async () => {
        const pred = seededF32(n, 41, -2, 2);
        const target = seededF32(n, 42, -2, 2);
        const mask = masked ? maskOf(n, 43) : undefined;
        const io = {
          pred: bufs.upload(pred, 'pred'),
          target: bufs.upload(target, 'target'),
          stats: bufs.zeros(2, 'stats'),
          dpred: bufs.zeros(n, 'dpred'),
          ...(mask ? { mask: bufs.upload(mask, 'mask') } : {}),
        };
        await mse.run(io, n);
        await mse.runBackward(io, n, 0.5);
        const ref = mseRef(pred, target, mask);
        expectAllClose(await bufs.read(io.stats, 2), [ref.loss, ref.weight], FP32_TOLERANCE, 'stats'); // atol 1e-5, rtol 1e-4
        expectAllClose(await bufs.read(io.dpred, n), mseBackwardRef(pred, target, mask, 0.5), FP32_TOLERANCE, 'dpred'); // atol 1e-5, rtol 1e-4
      });
    }
  }

  it('gives loss 0 and zero gradients when the mask keeps nothing', async () => {
    const n = 333;
    const io = {
      pred: bufs.upload(seededF32(n, 44), 'pred'),
      target: bufs.upload(seededF32(n, 45), 'target'),
      mask: bufs.upload(new Float32Array(n), 'mask'),
      stats: bufs.upload(Float32Array.of(7, 7), 'stats'),
      dpred: bufs.upload(new Float32Array(n).fill(7), 'dpred'),
    };
    await mse.run(io, n);
    await mse.runBackward(io, n);
    expect(Array.from(await bufs.read(io.stats, 2))).toEqual([0, 0]);
    expect((await bufs.read(io.dpred, n)).every((v) => v === 0)).toBe(true);
  });
});

it('mse backward reference passes a finite-difference check (f64), with and without a mask', () => {
  const n = 50;
  const pred = Float64Array.from(seededF32(n, 46, -2, 2));
  const target = Float64Array.from(seededF32(n, 47, -2, 2));
  const mask = Float64Array.from(maskOf(n, 48));
  for (const m of [undefined, mask]) {
    // eps 1e-3: the loss is quadratic in pred, so central differences have no truncation error and
    // a larger step only shrinks roundoff (elements with pred ≈ target have tiny gradients).
    const result = gradCheck((v) => mseRef(v, target, m).loss, pred, mseBackwardRef(pred, target, m), {
      samples: n,
      eps: 1e-3,
    });
    expect(result.worst.relError).toBeLessThan(1e-7); // central differences in f64
  }
});
