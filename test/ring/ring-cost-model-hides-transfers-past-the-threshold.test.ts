// The ring's cost model (docs/ring.md): with a free link and no host cost a pass is the single
// device's time divided by R; the K/V send hides behind the forward compute exactly when a rank
// holds more rows than the model's threshold; a slower link or more latency never makes it faster.
import { describe, expect, it } from 'vitest';
import { ringCost, type RingCostInput } from '../../src/ring/cost-model.ts';

const base: RingCostInput = {
  seqLen: 8760,
  ranks: 4,
  heads: 4,
  headDim: 32,
  forwardFlops: 1e10,
  backwardFlops: 1e10,
  bandwidth: 1.25e8,
  latency: 1e-4,
  stepOverhead: 0,
};

describe('ring cost model', () => {
  it('a free link and no host cost give the single device time / R', () => {
    for (const ranks of [1, 2, 4, 8]) {
      const c = ringCost({ ...base, ranks, bandwidth: Number.POSITIVE_INFINITY, latency: 0 });
      // Exact up to float rounding (relative 1e-12).
      expect(c.forward * ranks).toBeCloseTo(c.singleForward, 9);
      expect(c.backward * ranks).toBeCloseTo(c.singleBackward, 9);
    }
  });

  it('the K/V send hides behind the forward step exactly above the threshold rows per rank', () => {
    const probe = ringCost(base);
    const R = 4;
    // T = 2R·(rows/2): pick T so a rank holds just above, then just below, the threshold.
    const above = 2 * R * Math.ceil(probe.hideRowsForward / 2 + 1);
    const below = 2 * R * Math.floor(probe.hideRowsForward / 2 - 1);
    expect(ringCost({ ...base, seqLen: above }).kvHiddenForward).toBe(true);
    expect(ringCost({ ...base, seqLen: below }).kvHiddenForward).toBe(false);
    // Without latency the threshold is 4·F/β rows (independent of H and D).
    const noLatency = ringCost({ ...base, latency: 0 });
    expect(noLatency.hideRowsForward).toBeCloseTo((4 * base.forwardFlops) / base.bandwidth, 6);
  });

  it('a slower or later link never makes a pass faster', () => {
    let last = ringCost(base);
    for (const bandwidth of [1e8, 1e7, 1e6]) {
      const c = ringCost({ ...base, bandwidth });
      expect(c.forward).toBeGreaterThanOrEqual(last.forward);
      expect(c.backward).toBeGreaterThanOrEqual(last.backward);
      last = c;
    }
    const late = ringCost({ ...base, latency: 5e-3 });
    expect(late.backward - ringCost(base).backward).toBeGreaterThanOrEqual(4 * (5e-3 - 1e-4) - 1e-12);
  });
});
