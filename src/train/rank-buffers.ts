// One rank's GPU buffers for training: its replica of the flat parameters (with AdamW moments),
// working copies of every slice for the kernels, gradient accumulators, the saved activations of
// every layer for `rows` rows (its layout rows of the sequence), and per-window input slots.
// Shapes: rows n, model width d, MLP width m, features F, horizon Hz, known-future inputs K, head
// width E, quantiles Q; row-major f32.
import type { DeviceOps } from './device-ops.ts';
import type { ModelConfig, ParamLayout } from './params.ts';

/** Saved forward activations of one block (everything its backward reads). */
export interface LayerActs {
  /** Block input h [n, d] (the residual stream before the block). */
  readonly h: GPUBuffer;
  readonly a: GPUBuffer; // LN1(h) [n, d]
  readonly mean1: GPUBuffer; // [n]
  readonly rstd1: GPUBuffer; // [n]
  readonly q: GPUBuffer; // [n, H, D]
  readonly k: GPUBuffer;
  readonly v: GPUBuffer;
  readonly o: GPUBuffer; // attention output [n, H, D]
  readonly lse: GPUBuffer; // [n, H]
  readonly hm: GPUBuffer; // h + attention projection [n, d]
  readonly b: GPUBuffer; // LN2(hm) [n, d]
  readonly mean2: GPUBuffer;
  readonly rstd2: GPUBuffer;
  readonly u: GPUBuffer; // fc1 pre-activation [n, m]
  readonly g: GPUBuffer; // GELU(u) [n, m]
}

/** Inputs of one window on this rank: x [n, F], future [n, Hz, K], target and mask [n, Hz] (pad rows: mask 0). */
export interface InputSlot {
  readonly x: GPUBuffer;
  readonly future: GPUBuffer;
  readonly target: GPUBuffer;
  readonly mask: GPUBuffer;
}

/** Backward scratch, reused by every layer. */
export interface GradScratch {
  readonly dh: GPUBuffer; // [n, d]
  readonly dhm: GPUBuffer;
  readonly dtmp: GPUBuffer;
  readonly da: GPUBuffer;
  readonly dO: GPUBuffer;
  readonly dq: GPUBuffer;
  readonly dk: GPUBuffer;
  readonly dv: GPUBuffer;
  readonly dm: GPUBuffer; // [n, m]
  readonly du: GPUBuffer; // [n, m]
  readonly dpred: GPUBuffer; // [n, Hz, Q]
  readonly dHeadG: GPUBuffer; // [n, Hz, E]
  readonly dHeadA: GPUBuffer; // [n, Hz, E]
  /** Parameter-gradient scratch: the largest weight and the largest bias slice. */
  readonly pw: GPUBuffer;
  readonly pb: GPUBuffer;
}

export interface RankBuffers {
  readonly rank: number;
  readonly rows: number;
  /** Allocates a zeroed f32 buffer for this rank, counted in `bytes`. */
  alloc(count: number, label: string): GPUBuffer;
  /** Bytes allocated for this rank so far (the ring's workspace is counted by the ring). */
  readonly bytes: number;
  /** Flat f32 [layout.total]: parameters, gradients (summed over ranks), AdamW moments. */
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly m: GPUBuffer;
  readonly v: GPUBuffer;
  /** [‖g‖, clip scale] of the last step. */
  readonly normResult: GPUBuffer;
  /** Working copy and gradient accumulator of every slice, by slice name. */
  readonly weights: ReadonlyMap<string, GPUBuffer>;
  readonly sliceGrads: ReadonlyMap<string, GPUBuffer>;
  readonly layers: readonly LayerActs[];
  /**
   * Output of the last block h_L [n, d], final norm f and its stats, the head's pre-activation and
   * GELU [n, Hz, E], its skip [n, Hz, Q], prediction [n, Hz, Q], loss stats [2].
   */
  readonly hOut: GPUBuffer;
  readonly f: GPUBuffer;
  readonly meanF: GPUBuffer;
  readonly rstdF: GPUBuffer;
  readonly tmp: GPUBuffer; // [n, d] forward scratch (projection outputs before the residual add)
  readonly headA: GPUBuffer;
  readonly headG: GPUBuffer;
  readonly headSkip: GPUBuffer;
  readonly pred: GPUBuffer;
  readonly stats: GPUBuffer;
  readonly slots: InputSlot[];
  grad?: GradScratch;
}

/** Allocates one rank's buffers (gradient scratch lazily: evaluation never needs it). */
export function allocateRankBuffers(
  ops: DeviceOps,
  rank: number,
  c: ModelConfig,
  layout: ParamLayout,
  rows: number,
): RankBuffers {
  const n = rows;
  const d = c.dModel;
  const mw = c.mlpRatio * d;
  let bytes = 0;
  const buf = (count: number, label: string): GPUBuffer => {
    const b = ops.buffer(count, `rank${rank} ${label}`);
    bytes += b.size;
    return b;
  };
  const weights = new Map<string, GPUBuffer>();
  const sliceGrads = new Map<string, GPUBuffer>();
  for (const s of layout.slices) {
    weights.set(s.name, buf(s.count, s.name));
    sliceGrads.set(s.name, buf(s.count, `d ${s.name}`));
  }
  const layer = (l: number): LayerActs => ({
    h: buf(n * d, `l${l} h`),
    a: buf(n * d, `l${l} a`),
    mean1: buf(n, `l${l} mean1`),
    rstd1: buf(n, `l${l} rstd1`),
    q: buf(n * d, `l${l} q`),
    k: buf(n * d, `l${l} k`),
    v: buf(n * d, `l${l} v`),
    o: buf(n * d, `l${l} o`),
    lse: buf(n * c.heads, `l${l} lse`),
    hm: buf(n * d, `l${l} hm`),
    b: buf(n * d, `l${l} b`),
    mean2: buf(n, `l${l} mean2`),
    rstd2: buf(n, `l${l} rstd2`),
    u: buf(n * mw, `l${l} u`),
    g: buf(n * mw, `l${l} g`),
  });
  return {
    rank,
    rows,
    alloc: buf,
    get bytes() {
      return bytes;
    },
    params: buf(layout.total, 'params'),
    grads: buf(layout.total, 'grads'),
    m: buf(layout.total, 'adam m'),
    v: buf(layout.total, 'adam v'),
    normResult: buf(2, 'grad norm'),
    weights,
    sliceGrads,
    layers: Array.from({ length: c.layers }, (_, l) => layer(l)),
    hOut: buf(n * d, 'h out'),
    f: buf(n * d, 'f'),
    meanF: buf(n, 'meanF'),
    rstdF: buf(n, 'rstdF'),
    tmp: buf(n * d, 'tmp'),
    headA: buf(n * c.horizon * c.headHidden, 'head a'),
    headG: buf(n * c.horizon * c.headHidden, 'head g'),
    headSkip: buf(n * c.horizon * c.quantiles.length, 'head skip'),
    pred: buf(n * c.horizon * c.quantiles.length, 'pred'),
    stats: buf(2, 'loss stats'),
    slots: [],
  };
}

/** The input slot for window `i` of a batch (allocated on first use). */
export function inputSlot(rb: RankBuffers, c: ModelConfig, i: number): InputSlot {
  while (rb.slots.length <= i) {
    const j = rb.slots.length;
    rb.slots.push({
      x: rb.alloc(rb.rows * c.features, `x${j}`),
      future: rb.alloc(rb.rows * c.horizon * c.futureFeatures, `future${j}`),
      target: rb.alloc(rb.rows * c.horizon, `target${j}`),
      mask: rb.alloc(rb.rows * c.horizon, `mask${j}`),
    });
  }
  const slot = rb.slots[i];
  if (!slot) throw new Error(`no input slot ${i}`);
  return slot;
}

/** The backward scratch (allocated on the first backward pass). */
export function gradScratch(rb: RankBuffers, c: ModelConfig, layout: ParamLayout): GradScratch {
  if (!rb.grad) {
    const n = rb.rows;
    const d = c.dModel;
    const mw = c.mlpRatio * d;
    const buf = (count: number, label: string): GPUBuffer => rb.alloc(count, label);
    const maxOf = (pick: (shape: readonly number[]) => boolean): number =>
      Math.max(1, ...layout.slices.filter((s) => pick(s.shape)).map((s) => s.count));
    rb.grad = {
      dh: buf(n * d, 'dh'),
      dhm: buf(n * d, 'dhm'),
      dtmp: buf(n * d, 'dtmp'),
      da: buf(n * d, 'da'),
      dO: buf(n * d, 'dO'),
      dq: buf(n * d, 'dq'),
      dk: buf(n * d, 'dk'),
      dv: buf(n * d, 'dv'),
      dm: buf(n * mw, 'dm'),
      du: buf(n * mw, 'du'),
      dpred: buf(n * c.horizon * c.quantiles.length, 'dpred'),
      dHeadG: buf(n * c.horizon * c.headHidden, 'd head g'),
      dHeadA: buf(n * c.horizon * c.headHidden, 'd head a'),
      pw: buf(
        maxOf((s) => s.length === 2),
        'param grad scratch w',
      ),
      pb: buf(
        maxOf((s) => s.length === 1),
        'param grad scratch b',
      ),
    };
  }
  return rb.grad;
}
