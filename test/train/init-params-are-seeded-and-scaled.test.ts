// initParams is deterministic for a seed and draws each slice with its init kind's statistics:
// normal(0, σ) for 'fanIn', 'small' and 'residual'; exact 0 and 1 for 'zeros' and 'ones'; 0 padding.
import { describe, expect, it } from 'vitest';
import { initParams, paramLayout, sliceOf, type ModelConfig } from '../../src/train/index.ts';

const BIG: ModelConfig = {
  features: 64,
  dModel: 256,
  heads: 4,
  layers: 2,
  mlpRatio: 4,
  horizon: 24,
  futureFeatures: 19,
  headHidden: 32,
  quantiles: [0.1, 0.5, 0.9],
};

function moments(v: Float32Array): { mean: number; std: number; within1: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return { mean, std, within1: v.filter((x) => Math.abs(x - mean) < std).length / v.length };
}

describe('initParams', () => {
  const params = initParams(BIG, 42);
  const layout = paramLayout(BIG);
  const slice = (name: string): Float32Array => {
    const s = sliceOf(layout, name);
    return params.subarray(s.offset, s.offset + s.count);
  };

  it('is deterministic: the same bits for the same seed, different values for another seed', () => {
    const again = initParams(BIG, 42);
    expect(Buffer.from(again.buffer).equals(Buffer.from(params.buffer))).toBe(true);
    const other = initParams(BIG, 43);
    expect(Buffer.from(other.buffer).equals(Buffer.from(params.buffer))).toBe(false);
  });

  // n elements of N(0, σ): the sample mean's standard error is σ/√n and the sample std's is
  // σ/√(2n); bounds are ≥ 5 standard errors, so a correct draw fails with probability < 1e-6.
  const cases = [
    { name: 'l0.fc1.w', kind: 'small', sigma: 0.02 },
    { name: 'l1.fc2.w', kind: 'residual', sigma: 0.02 / Math.sqrt(2 * BIG.layers) },
    { name: 'in.w', kind: 'fanIn', sigma: 1 / Math.sqrt(BIG.features) },
  ] as const;
  for (const c of cases) {
    it(
      `${c.name} ('${c.kind}'): mean ≈ 0 and std ≈ ${c.sigma.toPrecision(3)} within 5 standard errors; 68.3 % ` +
        `within 1σ`,
      () => {
        const v = slice(c.name);
        expect(sliceOf(layout, c.name).init).toBe(c.kind);
        const n = v.length;
        const m = moments(v);
        expect(Math.abs(m.mean)).toBeLessThan((5 * c.sigma) / Math.sqrt(n));
        expect(Math.abs(m.std - c.sigma)).toBeLessThan((5 * c.sigma) / Math.sqrt(2 * n));
        // Normal shape: P(|z| < 1) = 0.6827, binomial standard error √(0.6827·0.3173/n).
        expect(Math.abs(m.within1 - 0.6827)).toBeLessThan(5 * Math.sqrt((0.6827 * 0.3173) / n));
      },
    );
  }

  it("'zeros' and 'ones' slices are exact, and padding is 0", () => {
    for (const s of layout.slices) {
      if (s.init === 'zeros')
        expect(
          slice(s.name).every((x) => x === 0),
          s.name,
        ).toBe(true);
      if (s.init === 'ones')
        expect(
          slice(s.name).every((x) => x === 1),
          s.name,
        ).toBe(true);
    }
    let next = 0;
    for (const s of layout.slices) {
      expect(
        params.subarray(next, s.offset).every((x) => x === 0),
        `padding before ${s.name}`,
      ).toBe(true);
      next = s.offset + s.count;
    }
    expect(params.length).toBe(layout.total);
  });
});
