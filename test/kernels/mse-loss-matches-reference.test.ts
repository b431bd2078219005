// MSE loss forward (mean over all elements, or over a mask) and backward match the f64 reference
// on every checked case of src/bench/kernels/mse.case.ts (odd lengths, one-workgroup and
// many-workgroup, and the quick cases the gate times); an empty mask gives exact zeros; the
// reference backward passes gradcheck.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Mse, mseBackwardRef, mseRef } from '../../src/kernels/index.ts';
import cases from '../../src/bench/kernels/mse.case.ts';
import { CaseBuffers } from '../../src/bench/kernels/training-ops-support.ts';
import { describeGpu } from '../support/gpu.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { seededF32 } from '../../src/core/index.ts';
import { checkCases } from './kernel-cases.ts';

const maskOf = (n: number, seed: number): Float32Array => seededF32(n, seed).map((v) => (v > -0.3 ? 1 : 0));

describeGpu('mse loss matches reference', (gpu) => {
  checkCases(gpu, cases);

  let mse: Mse;
  let bufs: CaseBuffers;
  beforeAll(async () => {
    mse = await Mse.prepare(gpu());
    bufs = new CaseBuffers(gpu());
  });
  afterAll(() => {
    mse.destroy();
    bufs.destroy();
  });

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
