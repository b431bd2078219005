// modelFlopsPerToken's closed form equals a brute-force count of the multiply-adds of one
// training step (every matmul of the layout, every causal attention pair), divided by T.
import { describe, expect, it } from 'vitest';
import { headDim, modelFlopsPerToken, paramLayout, type ModelConfig } from '../../src/train/index.ts';
import { MINI, TINY } from './reference-inputs.ts';

/** FLOPs of one T-token window, counted element by element. */
function bruteForceStep(c: ModelConfig, T: number): { dense: number; attention: number } {
  let dense = 0;
  // The 2-D slices of the layout are exactly the matmul weights [in, out]. Per row, each of the
  // `out` outputs is an `in`-long dot product (2 FLOPs per term) in the forward, in dY·Wᵀ and in
  // xᵀ·dY: three products of the same size. The head's k, o and s maps run on (token, target
  // hour) rows: T·horizon of them.
  const pairMaps = new Set(['head.k.w', 'head.o.w', 'head.s.w']);
  for (const s of paramLayout(c).slices.filter((x) => x.shape.length === 2)) {
    const [inDim = 0, outDim = 0] = s.shape;
    const rows = pairMaps.has(s.name) ? T * c.horizon : T;
    for (let t = 0; t < rows; t++) for (let o = 0; o < outDim; o++) for (let k = 0; k < inDim; k++) dense += 3 * 2;
  }
  let attention = 0;
  const D = headDim(c);
  for (let l = 0; l < c.layers; l++) {
    for (let h = 0; h < c.heads; h++) {
      for (let q = 0; q < T; q++) {
        for (let k = 0; k <= q; k++) {
          attention += 2 * D + 2 * D; // forward: score q·k, p·v
          attention += 4 * (2 * D); // backward: dP = dO·v, dV += p·dO, dQ += dS·k, dK += dS·q
        }
      }
    }
  }
  return { dense, attention };
}

describe('model FLOPs per token', () => {
  for (const [name, c, T] of [
    ['tiny', TINY, 7],
    ['mini', MINI, 5],
    ['tiny, T = 1', TINY, 1],
  ] as const) {
    it(`${name} (T = ${T}): dense and attention equal the brute-force count / T exactly`, () => {
      const brute = bruteForceStep(c, T);
      const f = modelFlopsPerToken(c, T);
      expect(f.dense).toBe(brute.dense / T);
      expect(f.attention).toBe(brute.attention / T);
      expect(f.total).toBe(f.dense + f.attention);
    });
  }

  it('a year-long window of the default shape: attention 6·L·d·(T+1), dense 6·N', () => {
    const c = { ...TINY, features: 32, dModel: 64, heads: 4, layers: 2, mlpRatio: 4, horizon: 24 };
    const f = modelFlopsPerToken(c, 8760);
    expect(f.attention).toBe(6 * 2 * 64 * 8761);
    const head = 64 * 24 * 4 + 24 * (3 * 4 + 4 * 3 + 3 * 3); // f projection; per target hour k, o, s
    expect(f.dense).toBe(6 * (32 * 64 + 2 * (4 * 64 * 64 + 2 * 64 * 256) + head));
  });

  it('rejects a sequence length that is not a positive integer, naming it', () => {
    expect(() => modelFlopsPerToken(TINY, 0)).toThrow(/seqLen = 0/);
    expect(() => modelFlopsPerToken(TINY, 2.5)).toThrow(expect.objectContaining({ code: 'TRAIN_SEQ_LEN' }));
  });
});
