// The forecaster's configuration and its parameters as named slices of one flat f32 buffer, so
// gradient norm, AdamW and checkpoints treat every parameter as one array.
//
// Model (docs/train.md): x [T, F] → h = x·in.w + in.b → L pre-norm blocks
//   (a = LN1(h); q,k,v = a·wq + bq, a·wk + bk, a·wv + bv as [T, H, D]; o = causal attention;
//    h += o·wo + bo; b = LN2(h); h += GELU(b·fc1.w + fc1.b)·fc2.w + fc2.b)
// → f = LNf(h) → the per-target-hour head (docs/train.md, "Known-future head"): for position t
//   and target hour h, a = (f_t·head.f.w + head.f.b)[h] + k_{t,h}·head.k.w + head.k.b  [E],
//   pred[t, h, :] = GELU(a)·head.o.w + head.o.b + k_{t,h}·head.s.w + head.s.b  [Q quantiles],
//   where k_{t,h} [K] holds what is known at t about target hour t+1+h (src/train/future.ts).
// Weights are stored [in, out] row-major (y = x·W + b). LayerNorm eps 1e-5, GELU tanh form,
// attention scale 1/√D with D = dModel / heads.

/** Shape of the forecaster. */
export interface ModelConfig {
  /** F: input features per hour (the store's feature count). */
  readonly features: number;
  readonly dModel: number;
  readonly heads: number;
  readonly layers: number;
  /** MLP hidden width = mlpRatio · dModel. */
  readonly mlpRatio: number;
  /** Hours ahead predicted at every position (24). */
  readonly horizon: number;
  /** K: known-future inputs per target hour (src/train/future.ts). */
  readonly futureFeatures: number;
  /** E: width of the per-target-hour head. */
  readonly headHidden: number;
  /** Quantile levels predicted for every target hour, ascending, 0.5 among them (the point forecast). */
  readonly quantiles: readonly number[];
}

/** P10, P50, P90: the interval evaluation scores for coverage, and the point forecast. */
export const DEFAULT_QUANTILES: readonly number[] = [0.1, 0.5, 0.9];

export type ParamInit = 'fanIn' | 'small' | 'residual' | 'zeros' | 'ones';

export interface ParamSlice {
  readonly name: string;
  /** First element in the flat buffer (a multiple of PARAM_ALIGN). */
  readonly offset: number;
  readonly count: number;
  readonly shape: readonly number[];
  readonly init: ParamInit;
}

export interface ParamLayout {
  readonly slices: readonly ParamSlice[];
  /** Elements of the flat buffer, padding included. */
  readonly total: number;
  /** Elements that are parameters (padding excluded). */
  readonly parameters: number;
}

/** Slices start on 64-element (256-byte) boundaries: WebGPU's minStorageBufferOffsetAlignment. */
export const PARAM_ALIGN = 64;

export const LAYER_NORM_EPS = 1e-5;

/** Per-layer slice names, in buffer order, with their shapes. */
function layerSlices(c: ModelConfig, l: number): [string, number[], ParamInit][] {
  const d = c.dModel;
  const m = c.mlpRatio * d;
  const p = `l${l}.`;
  return [
    [`${p}ln1.g`, [d], 'ones'],
    [`${p}ln1.b`, [d], 'zeros'],
    [`${p}wq`, [d, d], 'small'],
    [`${p}bq`, [d], 'zeros'],
    [`${p}wk`, [d, d], 'small'],
    [`${p}bk`, [d], 'zeros'],
    [`${p}wv`, [d, d], 'small'],
    [`${p}bv`, [d], 'zeros'],
    [`${p}wo`, [d, d], 'residual'],
    [`${p}bo`, [d], 'zeros'],
    [`${p}ln2.g`, [d], 'ones'],
    [`${p}ln2.b`, [d], 'zeros'],
    [`${p}fc1.w`, [d, m], 'small'],
    [`${p}fc1.b`, [m], 'zeros'],
    [`${p}fc2.w`, [m, d], 'residual'],
    [`${p}fc2.b`, [d], 'zeros'],
  ];
}

/** Every slice of the model in buffer order: in.*, l0.* … l{L−1}.*, lnf.*, head.*. */
export function paramLayout(c: ModelConfig): ParamLayout {
  const d = c.dModel;
  const entries: [string, number[], ParamInit][] = [
    ['in.w', [c.features, d], 'fanIn'],
    ['in.b', [d], 'zeros'],
    ...Array.from({ length: c.layers }, (_, l) => layerSlices(c, l)).flat(),
    ['lnf.g', [d], 'ones'],
    ['lnf.b', [d], 'zeros'],
    ['head.f.w', [d, c.horizon * c.headHidden], 'small'],
    ['head.f.b', [c.horizon * c.headHidden], 'zeros'],
    ['head.k.w', [c.futureFeatures, c.headHidden], 'fanIn'],
    ['head.k.b', [c.headHidden], 'zeros'],
    ['head.o.w', [c.headHidden, c.quantiles.length], 'small'],
    ['head.o.b', [c.quantiles.length], 'zeros'],
    // The skip is linear in the known-future inputs (DF of the target hour among them): at zero it
    // starts from the mean, and the linear DF correction is one gradient path away.
    ['head.s.w', [c.futureFeatures, c.quantiles.length], 'zeros'],
    ['head.s.b', [c.quantiles.length], 'zeros'],
  ];
  const slices: ParamSlice[] = [];
  let offset = 0;
  let parameters = 0;
  for (const [name, shape, init] of entries) {
    const count = shape.reduce((a, b) => a * b, 1);
    slices.push({ name, offset, count, shape, init });
    parameters += count;
    offset += Math.ceil(count / PARAM_ALIGN) * PARAM_ALIGN;
  }
  return { slices, total: offset, parameters };
}

/** The slice called `name` (throws on an unknown name: a programming error). */
export function sliceOf(layout: ParamLayout, name: string): ParamSlice {
  const s = layout.slices.find((x) => x.name === name);
  if (!s) throw new Error(`no parameter slice '${name}'`);
  return s;
}

/** Head dimension D = dModel / heads. */
export function headDim(c: ModelConfig): number {
  return c.dModel / c.heads;
}
