// The reference's loss is one masked mean over every window and element: a case checkable by
// hand, the weighting of several windows, masked targets that change nothing, and causality.
import { describe, expect, it } from 'vitest';
import {
  paramLayout,
  referenceForward,
  referenceLossAndGrads,
  sliceOf,
  type ModelConfig,
} from '../../src/train/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { randomParams, randomWindow, TINY } from './reference-inputs.ts';

/** All parameters 0 except head.b: every LayerNorm outputs its β = 0, so pred = head.b everywhere. */
function onlyHeadBias(c: ModelConfig, headB: readonly number[]): Float64Array {
  const params = new Float64Array(paramLayout(c).total);
  params.set(headB, sliceOf(paramLayout(c), 'head.b').offset);
  return params;
}

describe('a hand-checkable loss: only head.b non-zero', () => {
  const params = onlyHeadBias(TINY, [1, 2, 3]);
  const x = (T: number): Float64Array => Float64Array.from({ length: T * TINY.features }, (_, i) => i - 3);
  const a = { T: 2, x: x(2), target: [0, 0, 0, 1, 1, 1], mask: [1, 1, 1, 1, 0, 1] };
  const b = { T: 1, x: x(1), target: [3, 2, 1], mask: [0, 0, 1] };
  const tol = { atol: 1e-12, rtol: 1e-12 }; // f64, a handful of exact small-integer operations

  it('pred = head.b at every position (atol 1e-12)', () => {
    expectAllClose(referenceForward(TINY, params, a).pred, [1, 2, 3, 1, 2, 3], tol, 'pred');
  });

  it('loss = (1 + 4 + 9 + 0 + 4 + 4) / 6 = 22/6, weight 6, dloss/dhead.b = 2·Σ m·(b − t)/6 = [1/3, 2/3, 7/3]', () => {
    const r = referenceLossAndGrads(TINY, params, [a, b]);
    expect(r.weight).toBe(6);
    expect(r.loss).toBeCloseTo(22 / 6, 12);
    const s = sliceOf(paramLayout(TINY), 'head.b');
    expectAllClose(r.grads.subarray(s.offset, s.offset + s.count), [1 / 3, 2 / 3, 7 / 3], tol, 'dhead.b');
    const w = sliceOf(paramLayout(TINY), 'head.w');
    expect(
      r.grads.subarray(w.offset, w.offset + w.count).every((g) => g === 0),
      'dhead.w = fᵀ·dpred with f = 0',
    ).toBe(true);
  });

  it('no observed target: loss 0, weight 0, every gradient exactly 0', () => {
    const r = referenceLossAndGrads(TINY, params, [{ ...a, mask: [0, 0, 0, 0, 0, 0] }]);
    expect(r.loss).toBe(0);
    expect(r.weight).toBe(0);
    expect(r.grads.every((g) => g === 0)).toBe(true);
  });
});

describe('several windows', () => {
  const params = randomParams(TINY, 5);
  const a = randomWindow(TINY, 7, 11);
  const b = randomWindow(TINY, 4, 22, 2);
  const tol = { atol: 1e-14, rtol: 1e-12 }; // f64; only the order of additions differs

  it('loss and gradients are the Σ-mask-weighted mean of the single-window ones (one global mean, not a mean of means)', () => {
    const ra = referenceLossAndGrads(TINY, params, [a]);
    const rb = referenceLossAndGrads(TINY, params, [b]);
    const both = referenceLossAndGrads(TINY, params, [a, b]);
    expect(both.weight).toBe(ra.weight + rb.weight);
    expect(ra.weight).not.toBe(rb.weight); // so a mean of means would differ
    const W = both.weight;
    expectAllClose([both.loss], [(ra.loss * ra.weight + rb.loss * rb.weight) / W], tol, 'loss');
    const mixed = ra.grads.map((g, i) => (g * ra.weight + (rb.grads[i] ?? 0) * rb.weight) / W);
    expectAllClose(both.grads, mixed, tol, 'grads');
  });

  it('the loss equals Σ m·(pred − target)² / Σ m recomputed from referenceForward (rtol 1e-12)', () => {
    let sum = 0;
    let weight = 0;
    for (const w of [a, b]) {
      const { pred } = referenceForward(TINY, params, w);
      pred.forEach((p, i) => {
        sum += (w.mask[i] ?? 0) * (p - (w.target[i] ?? 0)) ** 2;
        weight += w.mask[i] ?? 0;
      });
    }
    expectAllClose([referenceLossAndGrads(TINY, params, [a, b]).loss], [sum / weight], tol, 'loss');
  });
});

describe('masked targets change nothing', () => {
  it('rewriting every masked target (to ±1e3) leaves loss and gradients bit-identical (tolerance 0: masked terms are multiplied by exactly 0)', () => {
    const params = randomParams(TINY, 7);
    const windows = [randomWindow(TINY, 7, 31), randomWindow(TINY, 4, 41, 2)];
    const rewritten = windows.map((w) => ({
      ...w,
      target: Float64Array.from(w.target, (t, i) => (w.mask[i] === 0 ? (i % 2 ? 1e3 : -1e3) : t)),
    }));
    const before = referenceLossAndGrads(TINY, params, windows);
    const after = referenceLossAndGrads(TINY, params, rewritten);
    expect(after.loss).toBe(before.loss);
    expect(after.weight).toBe(before.weight);
    expect(Array.from(after.grads)).toEqual(Array.from(before.grads));
  });
});

describe('causality', () => {
  it('changing x at the last position leaves pred at every earlier position bit-identical, and changes the last row', () => {
    const params = randomParams(TINY, 9);
    const w = randomWindow(TINY, 7, 51);
    const x = Float64Array.from(w.x);
    for (let f = 0; f < TINY.features; f++) x[(w.T - 1) * TINY.features + f] = 5 + f;
    const before = referenceForward(TINY, params, w).pred;
    const after = referenceForward(TINY, params, { ...w, x }).pred;
    const earlier = (w.T - 1) * TINY.horizon;
    // Tolerance 0: keys after the query never enter a score row (weight exactly 0), so the same
    // operations run in the same order on the earlier rows.
    expect(Array.from(after.subarray(0, earlier))).toEqual(Array.from(before.subarray(0, earlier)));
    const change = Math.max(...Array.from(after.subarray(earlier), (p, i) => Math.abs(p - (before[earlier + i] ?? 0))));
    expect(change).toBeGreaterThan(1e-3);
  });
});
