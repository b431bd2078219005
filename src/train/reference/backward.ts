// Backward pass of the whole model in f64 for one window: from dL/dpred through the tape to
// every parameter's gradient, accumulated into the views of a flat gradient buffer.
import { attentionBackwardRef, geluBackwardRef, layerNormBackwardRef } from '../../kernels/index.ts';
import type { ModelConfig } from '../params.ts';
import { attentionConfig, headShapes, positions, type LayerTape, type ModelTape } from './forward.ts';
import { addInto, linearBackward } from './linear.ts';
import type { LayerWeights, ModelWeights } from './weights.ts';

/** LayerNorm backward: adds dγ, dβ into g, returns dx. */
function layerNormBackward(
  x: Float64Array,
  gamma: Float64Array,
  saved: { readonly mean: Float64Array; readonly rstd: Float64Array },
  dy: Float64Array,
  rows: number,
  g: { readonly gamma: Float64Array; readonly beta: Float64Array },
): Float64Array {
  const r = layerNormBackwardRef(x, gamma, saved.mean, saved.rstd, dy, rows, gamma.length);
  addInto(g.gamma, r.dgamma);
  addInto(g.beta, r.dbeta);
  return r.dx;
}

/** MLP half of a block: dh (into the block output) → d hMid, gradients into g. */
function mlpBackward(
  c: ModelConfig,
  w: LayerWeights,
  t: LayerTape,
  dh: Float64Array,
  T: number,
  g: LayerWeights,
): Float64Array {
  const d = c.dModel;
  const m = c.mlpRatio * d;
  const dgu = linearBackward(t.gu, w.fc2w, dh, { rows: T, inDim: m, outDim: d }, { w: g.fc2w, b: g.fc2b });
  const du = geluBackwardRef(t.u, dgu);
  const dln2 = linearBackward(t.ln2.y, w.fc1w, du, { rows: T, inDim: d, outDim: m }, { w: g.fc1w, b: g.fc1b });
  const dx = layerNormBackward(t.hMid, w.ln2g, t.ln2, dln2, T, { gamma: g.ln2g, beta: g.ln2b });
  addInto(dx, dh); // residual: hOut = hMid + MLP(LN2(hMid))
  return dx;
}

/** Attention half of a block: d hMid → d hIn, gradients into g. */
function attentionBackward(
  c: ModelConfig,
  w: LayerWeights,
  t: LayerTape,
  dh: Float64Array,
  T: number,
  g: LayerWeights,
): Float64Array {
  const sq = { rows: T, inDim: c.dModel, outDim: c.dModel };
  const dO = linearBackward(t.o, w.wo, dh, sq, { w: g.wo, b: g.bo });
  const pos = positions(T);
  const { dq, dk, dv } = attentionBackwardRef(attentionConfig(c), { q: t.q, k: t.k, v: t.v, qPos: pos, kPos: pos }, dO);
  const dln1 = linearBackward(t.ln1.y, w.wq, dq, sq, { w: g.wq, b: g.bq });
  addInto(dln1, linearBackward(t.ln1.y, w.wk, dk, sq, { w: g.wk, b: g.bk }));
  addInto(dln1, linearBackward(t.ln1.y, w.wv, dv, sq, { w: g.wv, b: g.bv }));
  const dx = layerNormBackward(t.hIn, w.ln1g, t.ln1, dln1, T, { gamma: g.ln1g, beta: g.ln1b });
  addInto(dx, dh); // residual: hMid = hIn + Attn(LN1(hIn))
  return dx;
}

/** The head's backward: dpred [T·horizon, Q] → df [T, d], gradients into g. */
function headBackward(
  c: ModelConfig,
  w: ModelWeights,
  tape: ModelTape,
  dpred: Float64Array,
  g: ModelWeights,
): Float64Array {
  const s = headShapes(c, tape.T);
  const { future, a, ga } = tape.head;
  // The known-future inputs need no gradient; only the maps that read them do.
  linearBackward(future, w.headSW, dpred, s.s, { w: g.headSW, b: g.headSB });
  const dga = linearBackward(ga, w.headOW, dpred, s.o, { w: g.headOW, b: g.headOB });
  const da = geluBackwardRef(a, dga);
  linearBackward(future, w.headKW, da, s.k, { w: g.headKW, b: g.headKB });
  return linearBackward(tape.lnf.y, w.headFW, da, s.f, { w: g.headFW, b: g.headFB });
}

/** Adds this window's gradients for dL/dpred = dpred [T, horizon, Q] into g (views of the flat grads). */
export function modelBackward(
  c: ModelConfig,
  w: ModelWeights,
  tape: ModelTape,
  dpred: Float64Array,
  g: ModelWeights,
): void {
  const T = tape.T;
  const d = c.dModel;
  const df = headBackward(c, w, tape, dpred, g);
  let dh = layerNormBackward(tape.hOut, w.lnfG, tape.lnf, df, T, { gamma: g.lnfG, beta: g.lnfB });
  for (let l = c.layers - 1; l >= 0; l--) {
    const lw = w.layers[l];
    const lt = tape.layers[l];
    const lg = g.layers[l];
    if (!lw || !lt || !lg) throw new Error(`layer ${l} missing from the weights or the tape`);
    dh = attentionBackward(c, lw, lt, mlpBackward(c, lw, lt, dh, T, lg), T, lg);
  }
  // x needs no gradient; only the input projection's weights do.
  linearBackward(tape.x, w.inW, dh, { rows: T, inDim: c.features, outDim: d }, { w: g.inW, b: g.inB });
}
