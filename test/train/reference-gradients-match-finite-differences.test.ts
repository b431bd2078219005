// The whole-model f64 reference's gradients are right: central finite differences of its loss
// agree with its analytic gradients on every parameter slice (a sample of each slice of the
// brief's tiny model, every element of a smaller one), over two windows with masked targets.
import { describe, expect, it } from 'vitest';
import {
  paramLayout,
  referenceLossAndGrads,
  sliceOf,
  type ModelConfig,
  type ReferenceWindow,
} from '../../src/train/index.ts';
import { gradCheck } from '../support/gradcheck.ts';
import { MINI, randomParams, randomWindow, TINY } from './reference-inputs.ts';

// Bound: relative error |num − ana| / max(|num| + |ana|, 1e-4) < 1e-6. With h = 1e-5 the central
// difference's truncation error is h²·|L'''|/6 ≈ 1e-11 and its rounding error ε·|L|/h ≈ 2e-16 / 1e-5
// ≈ 2e-11 (loss of order 1), so gradients of order 1e-2…1 agree to ~1e-8; the 1e-4 floor turns the
// bound into an absolute 1e-10 for near-zero gradients, still 5× above that rounding noise.
const H = 1e-5;
const FLOOR = 1e-4;
const BOUND = 1e-6;

function checkSlices(
  config: ModelConfig,
  windows: readonly ReferenceWindow[],
  samplesPerSlice: (count: number) => number,
): void {
  const params = randomParams(config, 3);
  const { grads } = referenceLossAndGrads(config, params, windows);
  for (const s of paramLayout(config).slices) {
    it(`${s.name} [${s.shape.join('×')}]`, () => {
      const probe = Float64Array.from(params);
      const loss = (x: Float64Array): number => {
        probe.set(x, s.offset);
        return referenceLossAndGrads(config, probe, windows).loss;
      };
      const values = params.slice(s.offset, s.offset + s.count);
      const analytic = grads.subarray(s.offset, s.offset + s.count);
      const samples = samplesPerSlice(s.count);
      const result = gradCheck(loss, values, analytic, { eps: H, floor: FLOOR, samples, seed: s.offset + 1 });
      expect(result.checked).toBe(samples);
      expect(result.worst.relError, JSON.stringify(result.worst)).toBeLessThan(BOUND);
    });
  }
}

describe(
  `tiny model (T = 7 and 4, F = 5, dModel 8, 2 heads, 2 layers): 8 sampled elements per slice, all when ` + `fewer`,
  () => {
    const windows = [randomWindow(TINY, 7, 101), randomWindow(TINY, 4, 202, 3)];
    checkSlices(TINY, windows, (count) => Math.min(count, 8));
  },
);

describe('mini model (T = 3 and 2, dModel 4, 1 layer): every element of every slice', () => {
  const windows = [randomWindow(MINI, 3, 303), randomWindow(MINI, 2, 404, 3)];
  checkSlices(MINI, windows, (count) => count);
});

describe('gradient structure', () => {
  const windows = [randomWindow(TINY, 7, 101), randomWindow(TINY, 4, 202, 3)];
  const { grads } = referenceLossAndGrads(TINY, randomParams(TINY, 3), windows);
  const layout = paramLayout(TINY);

  it('padding between slices holds exact zeros', () => {
    let next = 0;
    for (const s of layout.slices) {
      expect(
        grads.subarray(next, s.offset).every((g) => g === 0),
        `padding before ${s.name}`,
      ).toBe(true);
      next = s.offset + s.count;
    }
    expect(
      grads.subarray(next).every((g) => g === 0),
      'padding after the last slice',
    ).toBe(true);
  });

  it('the key bias has zero gradient (softmax ignores a shift shared by all keys): |g| < 1e-12', () => {
    for (let l = 0; l < TINY.layers; l++) {
      const s = sliceOf(layout, `l${l}.bk`);
      for (const g of grads.subarray(s.offset, s.offset + s.count)) expect(Math.abs(g)).toBeLessThan(1e-12);
    }
  });
});
