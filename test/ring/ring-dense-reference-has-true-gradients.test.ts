// The f64 dense reference the ring is checked against (the kernels' attention reference over
// contiguous positions): its backward matches finite differences of its forward (loss = Σ O ∘ dO),
// causal and not, so "equals dense" means "equals the true gradient"; and the single-row forms
// `bench ring` spot-checks with equal the full reference's rows.
import { describe, expect, it } from 'vitest';
import { seededF32 } from '../../src/core/index.ts';
import {
  attentionBackwardRef,
  attentionDqRowRef,
  attentionForwardRef,
  attentionRowRef,
  contiguousPositions,
} from '../../src/kernels/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { gradCheck } from '../support/gradcheck.ts';

const T = 7;
const H = 2;
const D = 4;
const n = T * H * D;
const pos = contiguousPositions(T);

describe('dense attention reference', () => {
  for (const causal of [true, false]) {
    const config = { heads: H, headDim: D, causal };
    const x = {
      q: Float64Array.from(seededF32(n, 1)),
      k: Float64Array.from(seededF32(n, 2)),
      v: Float64Array.from(seededF32(n, 3)),
    };
    const dO = Float64Array.from(seededF32(n, 4));

    it(`${causal ? 'causal' : 'full'}: dQ, dK, dV match central differences (rel. error < 1e-6)`, () => {
      const g = attentionBackwardRef(config, { ...x, qPos: pos, kPos: pos }, dO);
      const loss =
        (which: 'q' | 'k' | 'v') =>
        (probe: Float64Array): number => {
          const { o } = attentionForwardRef(config, { ...x, [which]: probe, qPos: pos, kPos: pos });
          return o.reduce((s, oi, i) => s + oi * (dO[i] ?? 0), 0);
        };
      for (const [which, analytic] of [
        ['q', g.dq],
        ['k', g.dk],
        ['v', g.dv],
      ] as const) {
        const r = gradCheck(loss(which), x[which], analytic, { samples: n });
        expect(
          r.worst.relError,
          `d${which}[${r.worst.index}]: numeric ${r.worst.numeric}, analytic ${r.worst.analytic}`,
        ).toBeLessThan(1e-6);
      }
    });

    it(`${causal ? 'causal' : 'full'}: single-row O, lse and dQ equal the full reference's rows exactly`, () => {
      const inputs = { ...x, qPos: pos, kPos: pos };
      const full = { ...attentionForwardRef(config, inputs), ...attentionBackwardRef(config, inputs, dO) };
      const exact = { atol: 0, rtol: 0 }; // the same f64 arithmetic in the same order
      for (let t = 0; t < T; t++) {
        for (let h = 0; h < H; h++) {
          const base = (t * H + h) * D;
          const row = attentionRowRef(config, inputs, t, h);
          expectAllClose(row.o, full.o.subarray(base, base + D), exact, `o[${t}, ${h}]`);
          expectAllClose([row.lse], [full.lse[t * H + h] ?? Number.NaN], exact, `lse[${t}, ${h}]`);
          expectAllClose(
            attentionDqRowRef(config, inputs, dO, t, h),
            full.dq.subarray(base, base + D),
            exact,
            `dq[${t}, ${h}]`,
          );
        }
      }
    });
  }
});
