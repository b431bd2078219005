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

/**
 * All parameters 0 except the skip's bias head.s.b: every LayerNorm outputs its β = 0 and
 * GELU(0) = 0, so pred[t, h, q] = head.s.b[q] everywhere.
 */
function onlySkipBias(c: ModelConfig, bias: readonly number[]): Float64Array {
  const params = new Float64Array(paramLayout(c).total);
  params.set(bias, sliceOf(paramLayout(c), 'head.s.b').offset);
  return params;
}

const gradOf = (c: ModelConfig, grads: Float64Array, name: string): Float64Array => {
  const s = sliceOf(paramLayout(c), name);
  return grads.subarray(s.offset, s.offset + s.count);
};

describe('a hand-checkable loss: only head.s.b non-zero, P10/P50/P90 = −1, 0, 1', () => {
  const params = onlySkipBias(TINY, [-1, 0, 1]);
  const x = (T: number): Float64Array => Float64Array.from({ length: T * TINY.features }, (_, i) => i - 3);
  const future = (T: number): Float64Array => Float64Array.from({ length: T * 3 * TINY.futureFeatures }, (_, i) => i);
  const a = { T: 2, x: x(2), future: future(2), target: [0, 0, 0, 1, 1, 1], mask: [1, 1, 1, 1, 0, 1] };
  const b = { T: 1, x: x(1), future: future(1), target: [3, 2, 1], mask: [0, 0, 1] };
  const tol = { atol: 1e-12, rtol: 1e-12 }; // f64, a handful of exact small-rational operations

  it('pred = head.s.b at every position and target hour (atol 1e-12)', () => {
    expectAllClose(referenceForward(TINY, params, a).pred, Array(6).fill([-1, 0, 1]).flat(), tol, 'pred');
  });

  // Observed targets: 0, 0, 0 (ρ = 0.1 + 0 + 0.1 each) and 1, 1, 1 (ρ = 0.2 + 0.5 + 0 each):
  // Σ = 2.7 over W = 6 rows and Q = 3 quantiles. dloss/dp_q = Σ (1[t < p_q] − τ_q) / 18:
  // q = P10: −0.6/18; P50: −3/18; P90: (3·0.1 − 3·0.9)/18 = −2.4/18.
  it('loss = 2.7 / 18 = 0.15, weight 6, dloss/dhead.s.b = dloss/dhead.o.b = [−1/30, −1/6, −2/15]', () => {
    const r = referenceLossAndGrads(TINY, params, [a, b]);
    expect(r.weight).toBe(6);
    expect(r.loss).toBeCloseTo(0.15, 12);
    const want = [-1 / 30, -1 / 6, -2 / 15];
    expectAllClose(gradOf(TINY, r.grads, 'head.s.b'), want, tol, 'dhead.s.b');
    expectAllClose(gradOf(TINY, r.grads, 'head.o.b'), want, tol, 'dhead.o.b');
    expect(
      gradOf(TINY, r.grads, 'head.o.w').every((g) => g === 0),
      'dhead.o.w = GELU(a)ᵀ·dpred with a = 0',
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

  it(
    'loss and gradients are the Σ-mask-weighted mean of the single-window ones (one global mean, not a mean of ' +
      'means)',
    () => {
      const ra = referenceLossAndGrads(TINY, params, [a]);
      const rb = referenceLossAndGrads(TINY, params, [b]);
      const both = referenceLossAndGrads(TINY, params, [a, b]);
      expect(both.weight).toBe(ra.weight + rb.weight);
      expect(ra.weight).not.toBe(rb.weight); // so a mean of means would differ
      const W = both.weight;
      expectAllClose([both.loss], [(ra.loss * ra.weight + rb.loss * rb.weight) / W], tol, 'loss');
      const mixed = ra.grads.map((g, i) => (g * ra.weight + (rb.grads[i] ?? 0) * rb.weight) / W);
      expectAllClose(both.grads, mixed, tol, 'grads');
    },
  );

  it('the loss equals Σ m·Σ_q ρ_τq(target − pred_q) / (Q·Σ m) recomputed from referenceForward (rtol 1e-12)', () => {
    const Q = TINY.quantiles.length;
    let sum = 0;
    let weight = 0;
    for (const w of [a, b]) {
      const { pred } = referenceForward(TINY, params, w);
      for (let i = 0; i < w.target.length; i++) {
        const m = w.mask[i] ?? 0;
        TINY.quantiles.forEach((tau, q) => {
          const u = (w.target[i] ?? 0) - (pred[i * Q + q] ?? 0);
          sum += m * u * (tau - (u < 0 ? 1 : 0));
        });
        weight += m;
      }
    }
    expectAllClose([referenceLossAndGrads(TINY, params, [a, b]).loss], [sum / (weight * Q)], tol, 'loss');
  });
});

describe('masked targets change nothing', () => {
  it(
    'rewriting every masked target (to ±1e3) leaves loss and gradients bit-identical (tolerance 0: masked terms ' +
      'are multiplied by exactly 0)',
    () => {
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
    },
  );
});

describe('causality', () => {
  it(
    'changing x at the last position leaves pred at every earlier position bit-identical, and changes the last ' +
      'row',
    () => {
      const params = randomParams(TINY, 9);
      const w = randomWindow(TINY, 7, 51);
      const x = Float64Array.from(w.x);
      for (let f = 0; f < TINY.features; f++) x[(w.T - 1) * TINY.features + f] = 5 + f;
      const before = referenceForward(TINY, params, w).pred;
      const after = referenceForward(TINY, params, { ...w, x }).pred;
      const earlier = (w.T - 1) * TINY.horizon * TINY.quantiles.length;
      // Tolerance 0: keys after the query never enter a score row (weight exactly 0), so the same
      // operations run in the same order on the earlier rows.
      expect(Array.from(after.subarray(0, earlier))).toEqual(Array.from(before.subarray(0, earlier)));
      const change = Math.max(
        ...Array.from(after.subarray(earlier), (p, i) => Math.abs(p - (before[earlier + i] ?? 0))),
      );
      expect(change).toBeGreaterThan(1e-3);
    },
  );
});

describe('known-future inputs are per position', () => {
  it('changing the known-future inputs of position t changes pred at t only (tolerance 0 elsewhere)', () => {
    const params = randomParams(TINY, 9);
    const w = randomWindow(TINY, 7, 61);
    const t = 3;
    const per = TINY.horizon * TINY.futureFeatures;
    const future = Float64Array.from(w.future);
    for (let k = t * per; k < (t + 1) * per; k++) future[k] = (future[k] ?? 0) + 2;
    const before = referenceForward(TINY, params, w).pred;
    const after = referenceForward(TINY, params, { ...w, future }).pred;
    const row = TINY.horizon * TINY.quantiles.length;
    for (let p = 0; p < w.T; p++) {
      const b = Array.from(before.subarray(p * row, (p + 1) * row));
      const a = Array.from(after.subarray(p * row, (p + 1) * row));
      if (p === t) expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? 0))))).toBeGreaterThan(1e-3);
      else expect(a).toEqual(b);
    }
  });
});
