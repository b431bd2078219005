// The f64 dense reference the ring is checked against: its backward matches finite differences
// of its forward (loss = Σ O ∘ dO), causal and not, so "equals dense" means "equals the true
// gradient".
import { describe, expect, it } from 'vitest';
import { denseBackward, denseForward } from '../../src/ring/index.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { seeded } from './support.ts';

const T = 7;
const H = 2;
const D = 4;
const n = T * H * D;

describe('dense attention reference', () => {
  for (const causal of [true, false]) {
    it(`${causal ? 'causal' : 'full'}: dQ, dK, dV match central differences (rel. error < 1e-6)`, () => {
      const shape = { T, H, D, causal };
      const x = { q: Float64Array.from(seeded(n, 1)), k: Float64Array.from(seeded(n, 2)), v: Float64Array.from(seeded(n, 3)) };
      const dO = Float64Array.from(seeded(n, 4));
      const g = denseBackward(shape, x.q, x.k, x.v, dO);
      const loss = (which: 'q' | 'k' | 'v') => (probe: Float64Array): number => {
        const { o } = denseForward(shape, which === 'q' ? probe : x.q, which === 'k' ? probe : x.k, which === 'v' ? probe : x.v);
        return o.reduce((s, oi, i) => s + oi * (dO[i] ?? 0), 0);
      };
      for (const [which, analytic] of [['q', g.dq], ['k', g.dk], ['v', g.dv]] as const) {
        const r = gradCheck(loss(which), x[which], analytic, { samples: n });
        expect(r.worst.relError, `d${which}[${r.worst.index}]: numeric ${r.worst.numeric}, analytic ${r.worst.analytic}`).toBeLessThan(1e-6);
      }
    });
  }
});
