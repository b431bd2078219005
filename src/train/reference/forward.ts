// Forward pass of the whole model in f64 on one window, keeping every activation the backward
// needs (the tape). The model is the one in src/train/params.ts's header.
import {
  attentionForwardRef,
  geluRef,
  layerNormForwardRef,
  residualAddRef,
  type LayerNormForwardRef,
} from '../../kernels/index.ts';
import { headDim, LAYER_NORM_EPS, type ModelConfig } from '../params.ts';
import { linearForward, type LinearShape } from './linear.ts';
import type { LayerWeights, ModelWeights } from './weights.ts';

/** Activations of one block; every tensor is [T, ·] row-major. */
export interface LayerTape {
  /** Block input h [T, d]. */
  readonly hIn: Float64Array;
  readonly ln1: LayerNormForwardRef;
  /** q, k, v, o: [T, H, D] (head h of row t = columns h·D … (h+1)·D − 1). */
  readonly q: Float64Array;
  readonly k: Float64Array;
  readonly v: Float64Array;
  readonly o: Float64Array;
  /** h after the attention residual [T, d]. */
  readonly hMid: Float64Array;
  readonly ln2: LayerNormForwardRef;
  /** MLP pre-activation u = b·fc1.w + fc1.b and GELU(u), [T, m]. */
  readonly u: Float64Array;
  readonly gu: Float64Array;
}

/** The head's activations: rows are (position, target hour) pairs, T·horizon of them. */
export interface HeadTape {
  /** Known-future inputs [T·horizon, K]. */
  readonly future: ArrayLike<number>;
  /** Pre-activation a and GELU(a), [T·horizon, E]. */
  readonly a: Float64Array;
  readonly ga: Float64Array;
}

export interface ModelTape {
  readonly T: number;
  readonly x: ArrayLike<number>;
  readonly layers: readonly LayerTape[];
  /** Output of the last block [T, d]. */
  readonly hOut: Float64Array;
  readonly lnf: LayerNormForwardRef;
  readonly head: HeadTape;
  /** [T, horizon, Q]. */
  readonly pred: Float64Array;
}

/** Causal attention over positions 0..T−1 (key ≤ query), scale 1/√D. */
export function attentionConfig(c: ModelConfig): { heads: number; headDim: number; causal: true } {
  return { heads: c.heads, headDim: headDim(c), causal: true };
}

export function positions(T: number): Uint32Array {
  return Uint32Array.from({ length: T }, (_, i) => i);
}

/** One pre-norm block: its tape and its output h + MLP(LN2(h)) [T, d]. */
function blockForward(
  c: ModelConfig,
  w: LayerWeights,
  hIn: Float64Array,
  T: number,
): { tape: LayerTape; hOut: Float64Array } {
  const d = c.dModel;
  const m = c.mlpRatio * d;
  const sq = { rows: T, inDim: d, outDim: d };
  const ln1 = layerNormForwardRef(hIn, w.ln1g, w.ln1b, T, d, LAYER_NORM_EPS);
  const q = linearForward(ln1.y, w.wq, w.bq, sq);
  const k = linearForward(ln1.y, w.wk, w.bk, sq);
  const v = linearForward(ln1.y, w.wv, w.bv, sq);
  const pos = positions(T);
  const { o } = attentionForwardRef(attentionConfig(c), { q, k, v, qPos: pos, kPos: pos });
  const attnOut = linearForward(o, w.wo, w.bo, sq);
  const hMid = residualAddRef(hIn, attnOut);
  const ln2 = layerNormForwardRef(hMid, w.ln2g, w.ln2b, T, d, LAYER_NORM_EPS);
  const u = linearForward(ln2.y, w.fc1w, w.fc1b, { rows: T, inDim: d, outDim: m });
  const gu = geluRef(u);
  const mlpOut = linearForward(gu, w.fc2w, w.fc2b, { rows: T, inDim: m, outDim: d });
  return { tape: { hIn, ln1, q, k, v, o, hMid, ln2, u, gu }, hOut: residualAddRef(hMid, mlpOut) };
}

/** Shapes of the head's four linear maps for T positions. */
export function headShapes(c: ModelConfig, T: number): Record<'f' | 'k' | 'o' | 's', LinearShape> {
  const rows = T * c.horizon;
  const E = c.headHidden;
  const Q = c.quantiles.length;
  return {
    f: { rows: T, inDim: c.dModel, outDim: c.horizon * E },
    k: { rows, inDim: c.futureFeatures, outDim: E },
    o: { rows, inDim: E, outDim: Q },
    s: { rows, inDim: c.futureFeatures, outDim: Q },
  };
}

/** The head on f [T, d] and future [T·horizon, K]: its tape and pred [T·horizon, Q]. */
function headForward(
  c: ModelConfig,
  w: ModelWeights,
  f: Float64Array,
  future: ArrayLike<number>,
  T: number,
): { tape: HeadTape; pred: Float64Array } {
  const s = headShapes(c, T);
  // [T, horizon·E] row-major is [T·horizon, E]: row (t, h) holds target hour h's projection of f_t.
  const a = residualAddRef(linearForward(f, w.headFW, w.headFB, s.f), linearForward(future, w.headKW, w.headKB, s.k));
  const ga = geluRef(a);
  const pred = residualAddRef(
    linearForward(ga, w.headOW, w.headOB, s.o),
    linearForward(future, w.headSW, w.headSB, s.s),
  );
  return { tape: { future, a, ga }, pred };
}

/** Runs the model on x [T, F] and future [T, horizon, K]; returns the tape with pred [T, horizon, Q]. */
export function modelForward(
  c: ModelConfig,
  w: ModelWeights,
  x: ArrayLike<number>,
  future: ArrayLike<number>,
  T: number,
): ModelTape {
  let h = linearForward(x, w.inW, w.inB, { rows: T, inDim: c.features, outDim: c.dModel });
  const layers: LayerTape[] = [];
  for (const lw of w.layers) {
    const block = blockForward(c, lw, h, T);
    layers.push(block.tape);
    h = block.hOut;
  }
  const lnf = layerNormForwardRef(h, w.lnfG, w.lnfB, T, c.dModel, LAYER_NORM_EPS);
  const head = headForward(c, w, lnf.y, future, T);
  return { T, x, layers, hOut: h, lnf, head: head.tape, pred: head.pred };
}
