// Pinball (quantile) loss forward and backward match the f64 reference on every checked case of
// src/bench/kernels/pinball.case.ts (1 and 3 quantiles, odd row counts, one-workgroup and
// many-workgroup, and the quick cases the gate times); an empty mask gives exact zeros; bad levels
// are refused; the reference backward passes gradcheck.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededF32 } from '../../src/core/index.ts';
import { Pinball, pinballBackwardRef, pinballRef } from '../../src/kernels/index.ts';
import cases from '../../src/bench/kernels/pinball.case.ts';
import { CaseBuffers } from '../../src/bench/kernels/training-ops-support.ts';
import { describeGpu } from '../support/gpu.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { checkCases } from './kernel-cases.ts';

const maskOf = (n: number, seed: number): Float32Array => seededF32(n, seed).map((v) => (v > -0.3 ? 1 : 0));

describeGpu('pinball loss matches reference', (gpu) => {
  checkCases(gpu, cases);

  let op: Pinball;
  let bufs: CaseBuffers;
  beforeAll(async () => {
    op = await Pinball.prepare(gpu());
    bufs = new CaseBuffers(gpu());
  });
  afterAll(() => {
    op.destroy();
    bufs.destroy();
  });

  it('gives loss 0 and zero gradients when the mask keeps nothing', async () => {
    const rows = 333;
    const taus = [0.1, 0.5, 0.9];
    const io = {
      pred: bufs.upload(seededF32(rows * 3, 54), 'pred'),
      target: bufs.upload(seededF32(rows, 55), 'target'),
      mask: bufs.upload(new Float32Array(rows), 'mask'),
      stats: bufs.upload(Float32Array.of(7, 7), 'stats'),
      dpred: bufs.upload(new Float32Array(rows * 3).fill(7), 'dpred'),
    };
    await op.run(io, { rows, taus });
    await op.runBackward(io, { rows, taus });
    expect(Array.from(await bufs.read(io.stats, 2))).toEqual([0, 0]);
    expect((await bufs.read(io.dpred, rows * 3)).every((v) => v === 0)).toBe(true);
  });

  it('refuses quantile levels outside (0, 1) or more than four', async () => {
    const io = {
      pred: bufs.zeros(10, 'pred'),
      target: bufs.zeros(2, 'target'),
      mask: bufs.zeros(2, 'mask'),
      stats: bufs.zeros(2, 'stats'),
    };
    await expect(op.run(io, { rows: 2, taus: [0.1, 1.5] })).rejects.toThrow(/taus \[0.1, 1.5\]/);
    await expect(op.run(io, { rows: 2, taus: [0.1, 0.2, 0.3, 0.4, 0.5] })).rejects.toThrow(/1–4 quantile levels/);
  });
});

it('pinball loss: P50 alone is half the MAE, and the backward passes a finite-difference check (f64)', () => {
  const rows = 40;
  const taus = [0.1, 0.5, 0.9];
  const target = Float64Array.from(seededF32(rows, 57, -2, 2));
  const mask = Float64Array.from(maskOf(rows, 58));
  const p50 = Float64Array.from(seededF32(rows, 59, -2, 2));
  const mae = target.reduce((s, t, i) => s + (mask[i] ?? 0) * Math.abs(t - (p50[i] ?? 0)), 0);
  const weight = mask.reduce((s, m) => s + m, 0);
  expect(pinballRef(p50, target, mask, [0.5]).loss).toBeCloseTo(mae / weight / 2, 12);
  // The loss is piecewise linear: central differences are exact away from the kinks (t = p), and
  // seeded values in [−2, 2] lie ≥ 1e-3 from them, so eps 1e-4 never straddles one.
  const pred = Float64Array.from(seededF32(rows * 3, 60, -2, 2));
  const result = gradCheck(
    (v) => pinballRef(v, target, mask, taus).loss,
    pred,
    pinballBackwardRef(pred, target, mask, taus),
    { samples: rows * 3, eps: 1e-4 },
  );
  expect(result.worst.relError).toBeLessThan(1e-7); // central differences in f64
});
