// The presets of `bench train`: a full run and --quick, and the defaults of the flags neither sets.
// One definition, read by the CLI and by the gate's paired training probe (src/bench/gate/paired-inputs.ts),
// so that what the gate times is exactly what `train --quick` runs.

/**
 * A full run: the documented recipe for a multi-year store (docs/train.md, "Defaults"): four-week
 * windows, four of them per step, 600 steps — within 20 minutes on a 2-core CPU adapter at R = 4.
 */
export const TRAIN_FULL = {
  seqLen: 672,
  layers: 2,
  dModel: 64,
  heads: 2,
  mlpRatio: 4,
  headHidden: 32,
  steps: 600,
  batch: 4,
  lr: 3e-3,
  warmup: 20,
  checkpointEvery: 150,
  valWindows: 4,
  evaluate: true,
} as const;

/** --quick: a tiny model and budget for CI and smoke tests. */
export const TRAIN_QUICK = {
  seqLen: 96,
  layers: 1,
  dModel: 16,
  heads: 2,
  mlpRatio: 2,
  headHidden: 8,
  steps: 8,
  batch: 2,
  lr: 1e-2,
  warmup: 2,
  checkpointEvery: 4,
  valWindows: 2,
  evaluate: false,
} as const;

/** Flags with one default for both presets. */
export const TRAIN_FLAG_DEFAULTS = {
  ranks: 4,
  layout: 'zigzag',
  mode: 'shared',
  weightDecay: 0.01,
  clip: 1,
  seed: 1,
} as const;
