// One rank's GPU buffers and the bytes they hold: every buffer a rank allocates goes through its
// RankStore, so peak memory per rank is counted, not estimated.
import { STORAGE_USAGE as STORAGE, type AttentionKernels, type AttentionState, type Gpu } from '../kernels/index.ts';

/** A visiting (or home) K/V block: k, v `[rows, H, D]` f32 and their positions `[rows]` u32. */
export interface KvBlock {
  readonly k: GPUBuffer;
  readonly v: GPUBuffer;
  readonly pos: GPUBuffer;
}

/** The gradient accumulators that travel with a K/V block in the backward pass. */
export interface DkvBlock {
  readonly dk: GPUBuffer;
  readonly dv: GPUBuffer;
}

/** Backward-only buffers: dO, delta `[rows, H]`, dQ (stays home) and two travelling dK/dV slots. */
export interface RankGrads {
  readonly dO: GPUBuffer;
  readonly delta: GPUBuffer;
  readonly dq: GPUBuffer;
  readonly dkv: readonly [DkvBlock, DkvBlock];
}

export class RankStore {
  private live = 0;
  private peakBytes = 0;
  private readonly owned = new Set<GPUBuffer>();
  private readonly states = new Set<AttentionState>();

  constructor(
    readonly rank: number,
    readonly gpu: Gpu,
  ) {}

  /** A storage buffer of `bytes` (≥ 4) on this rank's device, counted. */
  buffer(bytes: number, label: string): GPUBuffer {
    const buffer = this.gpu.device.createBuffer({ label: `rank${this.rank} ${label}`, size: Math.max(4, bytes), usage: STORAGE });
    this.count(buffer.size);
    this.owned.add(buffer);
    return buffer;
  }

  /** The kernels' running state for `rows` rows, counted (m, l, acc and m's −∞ template). */
  state(attn: AttentionKernels, rows: number): AttentionState {
    const state = attn.createState(rows);
    this.count(2 * state.m.size + state.l.size + state.acc.size);
    this.states.add(state);
    return state;
  }

  private count(bytes: number): void {
    this.live += bytes;
    this.peakBytes = Math.max(this.peakBytes, this.live);
  }

  get peak(): number {
    return this.peakBytes;
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    for (const s of this.states) s.destroy();
    this.owned.clear();
    this.states.clear();
    this.live = 0;
  }
}

/** Everything one rank holds: its rows (home Q/K/V), two K/V slots for the ring, forward outputs. */
export interface RankRuntime {
  readonly rank: number;
  readonly gpu: Gpu;
  readonly attn: AttentionKernels;
  readonly store: RankStore;
  /** Rows this rank holds (segments × segmentRows, pads included). */
  readonly rows: number;
  readonly q: GPUBuffer;
  readonly home: KvBlock;
  /** Double buffer: the block being computed on and the one in transit to this rank. */
  readonly slots: readonly [KvBlock, KvBlock];
  readonly state: AttentionState;
  readonly o: GPUBuffer;
  readonly lse: GPUBuffer;
  grads?: RankGrads;
}

export function allocateRank(rank: number, gpu: Gpu, attn: AttentionKernels, rows: number): RankRuntime {
  const store = new RankStore(rank, gpu);
  const { heads: H, headDim: D } = attn.config;
  const block = rows * H * D * 4;
  const kv = (label: string): KvBlock => ({
    k: store.buffer(block, `${label} k`),
    v: store.buffer(block, `${label} v`),
    pos: store.buffer(rows * 4, `${label} pos`),
  });
  return {
    rank, gpu, attn, store, rows,
    q: store.buffer(block, 'q'),
    home: kv('home'),
    slots: [kv('slot0'), kv('slot1')],
    state: store.state(attn, rows),
    o: store.buffer(block, 'o'),
    lse: store.buffer(rows * H * 4, 'lse'),
  };
}

export function allocateGrads(rt: RankRuntime): RankGrads {
  const { heads: H, headDim: D } = rt.attn.config;
  const block = rt.rows * H * D * 4;
  const dkv = (label: string): DkvBlock => ({ dk: rt.store.buffer(block, `${label} dk`), dv: rt.store.buffer(block, `${label} dv`) });
  return {
    dO: rt.store.buffer(block, 'dO'),
    delta: rt.store.buffer(rt.rows * H * 4, 'delta'),
    dq: rt.store.buffer(block, 'dq'),
    dkv: [dkv('slot0'), dkv('slot1')],
  };
}
