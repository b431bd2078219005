// The whole-model f64 reference: prediction for one window, and the masked pinball loss over a
// batch of windows with every parameter's gradient, in the flat layout of src/train/params.ts.
import { pinballBackwardRef, pinballRef } from '../../kernels/index.ts';
import { paramLayout, type ModelConfig } from '../params.ts';
import { modelBackward } from './backward.ts';
import { modelForward } from './forward.ts';
import { checkConfig, checkParams, checkWindow, type ReferenceWindow } from './validate.ts';
import { weightViews } from './weights.ts';

export interface ReferenceLoss {
  /** Σ over windows, targets and quantiles of mask·ρ_τ(target − pred) / (Q·Σ mask); 0 when Σ mask = 0. */
  readonly loss: number;
  /** dloss/dparams, flat, same layout as params; zeros in the padding. */
  readonly grads: Float64Array;
  /** Σ mask over all windows: the count the mean is over. */
  readonly weight: number;
}

/** pred [T, horizon, Q] of one window. */
export function referenceForward(
  config: ModelConfig,
  params: ArrayLike<number>,
  window: ReferenceWindow,
): { pred: Float64Array } {
  checkConfig(config);
  checkParams(config, params);
  checkWindow(config, window, 'window');
  const w = weightViews(config, Float64Array.from(params));
  return { pred: modelForward(config, w, window.x, window.future, window.T).pred };
}

/**
 * One global masked mean over all windows (pinball.ref.ts's semantics on their concatenation):
 * loss = Σ_i w_i·loss_i / W with w_i = Σ mask_i, W = Σ w_i, so dloss/dpred_i is
 * pinballBackwardRef with seed w_i / W.
 */
export function referenceLossAndGrads(
  config: ModelConfig,
  params: ArrayLike<number>,
  windows: readonly ReferenceWindow[],
): ReferenceLoss {
  checkConfig(config);
  checkParams(config, params);
  windows.forEach((win, i) => {
    checkWindow(config, win, `windows[${i}]`);
  });
  const w = weightViews(config, Float64Array.from(params));
  const grads = new Float64Array(paramLayout(config).total);
  const g = weightViews(config, grads);
  const taus = config.quantiles;
  const tapes = windows.map((win) => modelForward(config, w, win.x, win.future, win.T));
  const parts = tapes.map((tape, i) => pinballRef(tape.pred, windows[i]?.target ?? [], windows[i]?.mask ?? [], taus));
  const weight = parts.reduce((s, p) => s + p.weight, 0);
  if (weight === 0) return { loss: 0, grads, weight };
  const loss = parts.reduce((s, p) => s + p.loss * p.weight, 0) / weight;
  tapes.forEach((tape, i) => {
    const win = windows[i];
    const wi = parts[i]?.weight ?? 0;
    if (!win || wi === 0) return; // no observed target: no gradient
    modelBackward(config, w, tape, pinballBackwardRef(tape.pred, win.target, win.mask, taus, wi / weight), g);
  });
  return { loss, grads, weight };
}
