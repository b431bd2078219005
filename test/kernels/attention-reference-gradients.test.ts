// The plain-TS attention references are right: the dense backward matches central finite
// differences of the dense forward, and the block-wise reference (online softmax, folded in any
// block order) and its backward blocks equal the dense reference.
import { describe, expect, it } from 'vitest';
import { seededF32 } from '../../src/core/index.ts';
import {
  attentionBackwardRef,
  attentionForwardRef,
  refBackwardBlock,
  refBackwardPrep,
  refFinalize,
  refFold,
  refState,
} from '../../src/kernels/ops/attention.ref.ts';
import { expectAllClose } from '../support/allclose.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { positionsWithPadding } from '../../src/bench/kernels/attention.case.ts';

const T = 7;
const H = 2;
const D = 4;
const n = T * H * D;

for (const causal of [true, false]) {
  const cfg = { heads: H, headDim: D, causal };
  const pos = positionsWithPadding(T, 4); // row 3 padded
  const base = { q: seededF32(n, 11), k: seededF32(n, 12), v: seededF32(n, 13) };
  const w = seededF32(n, 14); // loss = Σ w·o, so dL/dO = w

  describe(`attention reference gradients (${causal ? 'causal' : 'non-causal'}, padded row)`, () => {
    const grads = attentionBackwardRef(cfg, { ...base, qPos: pos, kPos: pos }, w);
    for (const name of ['q', 'k', 'v'] as const) {
      it(`d${name} matches finite differences (rel error < 1e-6)`, () => {
        const loss = (x: Float64Array): number => {
          const { o } = attentionForwardRef(cfg, { ...base, [name]: x, qPos: pos, kPos: pos });
          return o.reduce((s, oi, i) => s + oi * (w[i] ?? 0), 0);
        };
        const analytic = grads[`d${name}`];
        const result = gradCheck(loss, Float64Array.from(base[name]), analytic, { samples: n });
        expect(result.checked).toBe(n);
        expect(result.worst.relError, JSON.stringify(result.worst)).toBeLessThan(1e-6);
      });
    }
  });
}

describe('block-wise reference equals the dense reference', () => {
  const cfg = { heads: 2, headDim: 8, causal: true };
  const rows = 12;
  const pos = positionsWithPadding(rows, 5);
  const q = seededF32(rows * 16, 21);
  const k = seededF32(rows * 16, 22);
  const v = seededF32(rows * 16, 23);
  const dO = seededF32(rows * 16, 24);
  const blocks = [
    [0, 5],
    [5, 8],
    [8, 12],
  ] as const; // uneven key blocks
  const kv = (s: number, e: number) => ({
    k: k.slice(s * 16, e * 16),
    v: v.slice(s * 16, e * 16),
    kPos: pos.slice(s, e),
  });
  const dense = attentionForwardRef(cfg, { q, k, v, qPos: pos, kPos: pos });
  const tol = { atol: 1e-12, rtol: 1e-12 }; // f64 both ways; only summation order differs

  for (const order of [
    [0, 1, 2],
    [2, 0, 1],
    [1, 2, 0],
  ]) {
    it(`forward folded in key-block order ${order.join(',')}`, () => {
      const state = refState(cfg, rows);
      for (const bi of order) {
        const [s, e] = blocks[bi]!;
        refFold(cfg, state, { q, qPos: pos, ...kv(s, e) });
      }
      const out = refFinalize(cfg, state);
      expectAllClose(out.o, dense.o, tol, 'o');
      expectAllClose(out.lse, dense.lse, tol, 'lse');
    });
  }

  it('backward blocks sum to the dense gradients', () => {
    const delta = refBackwardPrep(cfg, dense.o, dO);
    const dq = new Float64Array(rows * 16);
    const dk = new Float64Array(rows * 16);
    const dv = new Float64Array(rows * 16);
    for (const [s, e] of blocks) {
      const g = { dq, dk: new Float64Array((e - s) * 16), dv: new Float64Array((e - s) * 16) };
      refBackwardBlock(cfg, { q, qPos: pos, ...kv(s, e) }, { dO, lse: dense.lse, delta }, g);
      dk.set(g.dk, s * 16);
      dv.set(g.dv, s * 16);
    }
    const ref = attentionBackwardRef(cfg, { q, k, v, qPos: pos, kPos: pos }, dO);
    expectAllClose(dq, ref.dq, tol, 'dq');
    expectAllClose(dk, ref.dk, tol, 'dk');
    expectAllClose(dv, ref.dv, tol, 'dv');
  });
});
