// The step schedule skips exactly the fully masked block pairs, its unmasked counts add up to
// the causal triangle, and zigzag balances causal work where contiguous does not.
import { describe, expect, it } from 'vitest';
import {
  imbalance,
  originAt,
  PAD_POSITION,
  planLayout,
  planRing,
  RING_LAYOUTS,
  rankWork,
  type RingSegment,
} from '../../src/ring/index.ts';

/** Brute force: number of (q, k) pairs a segment pair lets through. */
function bruteUnmasked(q: RingSegment, k: RingSegment, causal: boolean): number {
  let n = 0;
  for (const qp of q.positions) {
    for (const kp of k.positions) if (qp !== PAD_POSITION && kp !== PAD_POSITION && (!causal || kp <= qp)) n++;
  }
  return n;
}

describe('ring schedule', () => {
  it('visits every K/V block once per rank over R steps', () => {
    for (const R of [1, 2, 3, 4, 8]) {
      for (let rank = 0; rank < R; rank++) {
        const origins = Array.from({ length: R }, (_, s) => originAt(rank, s, R)).sort((a, b) => a - b);
        expect(origins).toEqual([...Array(R).keys()]);
        expect(originAt(rank, 0, R)).toBe(rank);
      }
    }
  });

  for (const kind of RING_LAYOUTS) {
    for (const causal of [true, false]) {
      it(`${kind} ${causal ? 'causal' : 'full'}: skipped pairs are fully masked, counts match brute force`, () => {
        const T = 37;
        for (const R of [1, 2, 3, 4, 8]) {
          const layout = planLayout(kind, T, R);
          const plans = planRing(layout, causal);
          let total = 0;
          for (const step of plans) {
            for (const plan of step) {
              const qs = layout.segments[plan.rank] ?? [];
              const ks = layout.segments[plan.origin] ?? [];
              let brute = 0;
              for (const [a, q] of qs.entries()) {
                for (const [b, k] of ks.entries()) {
                  const n = bruteUnmasked(q, k, causal);
                  brute += n;
                  const dispatched = plan.pairs.some((p) => p.qSegment === a && p.kSegment === b);
                  if (!dispatched) expect(n, `R=${R} step ${plan.step} rank ${plan.rank} pair (${a},${b})`).toBe(0);
                }
              }
              expect(plan.unmaskedScores).toBe(brute);
              total += plan.unmaskedScores;
            }
          }
          expect(total).toBe(causal ? (T * (T + 1)) / 2 : T * T);
        }
      });
    }
  }

  it('causal zigzag balances work within 1.05 at T=8760 for R=4 and R=8; contiguous does not', () => {
    for (const R of [4, 8]) {
      const zig = rankWork(planRing(planLayout('zigzag', 8760, R), true));
      const con = rankWork(planRing(planLayout('contiguous', 8760, R), true));
      expect(imbalance(zig.map((w) => w.computedScores))).toBeLessThanOrEqual(1.05);
      expect(imbalance(zig.map((w) => w.unmaskedScores))).toBeLessThanOrEqual(1.05);
      // Contiguous: rank i computes i+1 blocks, so max/mean = 2R/(R+1).
      expect(imbalance(con.map((w) => w.computedScores))).toBeCloseTo((2 * R) / (R + 1), 2);
    }
  });
});
