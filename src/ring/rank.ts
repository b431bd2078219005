// One rank's ring workspace and the bytes it holds: every buffer a rank allocates goes through its
// RankStore, so peak memory per rank is counted, not estimated. The workspace (positions, two K/V
// slots, softmax state, delta, two travelling dK/dV slots) is sized for one sequence length and
// reused by every pass and every layer; the tensors a pass reads and writes belong to the caller.
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

/** Backward-only workspace: delta `[rows, H]` and two travelling dK/dV slots. */
export interface RankGradSpace {
  readonly delta: GPUBuffer;
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
    const buffer = this.gpu.device.createBuffer({
      label: `rank${this.rank} ${label}`,
      size: Math.max(4, bytes),
      usage: STORAGE,
    });
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

/** What one rank holds for the ring: its row positions, the K/V slots and the softmax state. */
export interface RankRuntime {
  readonly rank: number;
  /** Position among this process's ranks: the index of its record in a pass's IO array. */
  readonly index: number;
  readonly gpu: Gpu;
  readonly attn: AttentionKernels;
  readonly store: RankStore;
  /** Rows this rank holds (segments × segmentRows, pads included). */
  readonly rows: number;
  /** `[rows]` u32: the absolute position of each of this rank's rows (PAD_POSITION for pads). */
  readonly pos: GPUBuffer;
  /** Double buffer: the block being computed on and the one in transit to this rank. */
  readonly slots: readonly [KvBlock, KvBlock];
  readonly state: AttentionState;
  grads?: RankGradSpace;
}

export function allocateRank(
  at: { readonly rank: number; readonly index: number },
  gpu: Gpu,
  attn: AttentionKernels,
  rows: number,
): RankRuntime {
  const { rank, index } = at;
  const store = new RankStore(rank, gpu);
  const block = rowBytes(attn) * rows;
  const kv = (label: string): KvBlock => ({
    k: store.buffer(block, `${label} k`),
    v: store.buffer(block, `${label} v`),
    pos: store.buffer(rows * 4, `${label} pos`),
  });
  return {
    rank,
    index,
    gpu,
    attn,
    store,
    rows,
    pos: store.buffer(rows * 4, 'pos'),
    slots: [kv('slot0'), kv('slot1')],
    state: store.state(attn, rows),
  };
}

/** The backward workspace, allocated on the first backward pass and kept. */
export function gradSpaceOf(rt: RankRuntime): RankGradSpace {
  if (!rt.grads) {
    const block = rowBytes(rt.attn) * rt.rows;
    const dkv = (label: string): DkvBlock => ({
      dk: rt.store.buffer(block, `${label} dk`),
      dv: rt.store.buffer(block, `${label} dv`),
    });
    rt.grads = {
      delta: rt.store.buffer(rt.rows * rt.attn.config.heads * 4, 'delta'),
      dkv: [dkv('slot0'), dkv('slot1')],
    };
  }
  return rt.grads;
}

/** Bytes of one row of q, k, v or o: H·D f32. */
export function rowBytes(attn: AttentionKernels): number {
  return attn.config.heads * attn.config.headDim * 4;
}
