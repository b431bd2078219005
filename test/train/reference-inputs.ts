// Inputs shared by the whole-model reference tests: tiny configs, seeded random parameters of
// order-one scale (so every path of the model is active), and windows with masked targets.
import { seededF32 } from '../../src/core/index.ts';
import { paramLayout, type ModelConfig, type ReferenceWindow } from '../../src/train/index.ts';

/**
 * The brief's tiny shape: T = 7, F = 5, dModel = 8, 2 heads, 2 layers, mlpRatio 2, horizon 3, with a
 * head of width 4 over 3 known-future inputs per target hour, predicting P10, P50 and P90.
 */
export const TINY: ModelConfig = {
  features: 5,
  dModel: 8,
  heads: 2,
  layers: 2,
  mlpRatio: 2,
  horizon: 3,
  futureFeatures: 3,
  headHidden: 4,
  quantiles: [0.1, 0.5, 0.9],
};

/** Small enough to check every parameter: 1 layer, dModel 4, two quantiles. */
export const MINI: ModelConfig = {
  features: 2,
  dModel: 4,
  heads: 2,
  layers: 1,
  mlpRatio: 1,
  horizon: 2,
  futureFeatures: 2,
  headHidden: 2,
  quantiles: [0.25, 0.5],
};

/** Deterministic uniform values in [lo, hi): the project's seeded generator, widened to f64. */
export function uniform(count: number, seed: number, lo = -1, hi = 1): Float64Array {
  return Float64Array.from(seededF32(count, seed, lo, hi));
}

/**
 * Parameters with every slice non-trivial: weights ~U(−0.5, 0.5), biases ~U(−0.2, 0.2),
 * LayerNorm gains ~U(0.7, 1.3); padding 0 as the layout requires.
 */
export function randomParams(c: ModelConfig, seed: number): Float64Array {
  const layout = paramLayout(c);
  const out = new Float64Array(layout.total);
  layout.slices.forEach((s, i) => {
    const gain = s.init === 'ones';
    const bias = s.shape.length === 1 && !gain;
    const [lo, hi] = gain ? [0.7, 1.3] : bias ? [-0.2, 0.2] : [-0.5, 0.5];
    out.set(uniform(s.count, seed * 1000 + i, lo, hi), s.offset);
  });
  return out;
}

/**
 * A window of length T with random x, known-future inputs and targets; mask 0 wherever
 * (t·horizon + j) % maskEvery = 0.
 */
export function randomWindow(c: ModelConfig, T: number, seed: number, maskEvery = 4): ReferenceWindow {
  const n = T * c.horizon;
  return {
    T,
    x: uniform(T * c.features, seed),
    future: uniform(n * c.futureFeatures, seed + 2),
    target: uniform(n, seed + 1),
    mask: Float64Array.from({ length: n }, (_, i) => (i % maskEvery === 0 ? 0 : 1)),
  };
}
