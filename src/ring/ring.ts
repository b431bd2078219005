// The ring attention coordinator: lays the sequence out over R ranks, uploads each rank's rows,
// runs the forward and backward ring passes through a transport, and gathers the results.
import { createAttentionKernels, readF32, ShapeError, type AttentionKernels, type Gpu } from '../kernels/index.ts';
import { UsageError } from '../core/index.ts';
import { finalDkvSlot, runRingBackward } from './backward.ts';
import type { StepRecord } from './commlog.ts';
import { runRingForward, type RingContext } from './forward.ts';
import { gatherRows, planLayout, shardRows, validateRingShape, type RingLayout, type RingLayoutKind } from './layout.ts';
import { allocateGrads, allocateRank, type RankRuntime } from './rank.ts';
import { planRing, type StepPlan } from './schedule.ts';
import type { RingTransport } from './transport.ts';

export interface RingConfig {
  readonly seqLen: number;
  readonly ranks: number;
  readonly layout: RingLayoutKind | string;
  readonly heads: number;
  readonly headDim: number;
  readonly causal: boolean;
  /** Softmax scale; default 1/sqrt(headDim). */
  readonly scale?: number;
}

/** Host tensors, row-major: q/k/v/o/dO/dq/dk/dv `[T, H, D]`, lse `[T, H]`, f32. */
export interface RingInputs {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
}

export interface RankMemory {
  readonly rank: number;
  /** Peak bytes of the buffers the coordinator allocated for this rank (incl. the kernels' state). */
  readonly bufferBytes: number;
  /** Peak bytes of the transport's staging buffers on this rank's device (isolated mode). */
  readonly stagingBytes: number;
  readonly peakBytes: number;
}

export interface RingAttention {
  readonly layout: RingLayout;
  readonly plans: readonly (readonly StepPlan[])[];
  readonly transport: RingTransport;
  /** Uploads each rank's rows of q, k, v (pad rows zero). Checks shapes. */
  load(inputs: RingInputs): void;
  /** Runs the R forward steps; returns their log. */
  forward(): Promise<StepRecord[]>;
  readOutput(): Promise<{ readonly o: Float32Array; readonly lse: Float32Array }>;
  /** Uploads dO `[T, H, D]` (allocating the backward buffers on first use). */
  loadGrad(dO: Float32Array): void;
  /** Runs the R backward steps (after forward); returns their log. */
  backward(): Promise<StepRecord[]>;
  readGrads(): Promise<{ readonly dq: Float32Array; readonly dk: Float32Array; readonly dv: Float32Array }>;
  memory(): RankMemory[];
  /** Frees every rank's buffers (the transport stays the caller's). */
  destroy(): void;
}

function checkConfig(config: RingConfig, transport: RingTransport): RingLayoutKind {
  const kind = validateRingShape(config.seqLen, config.ranks, config.layout);
  if (transport.ranks !== config.ranks) {
    throw new UsageError('RING_RANKS', `--ranks ${config.ranks} does not match the transport's ${transport.ranks} ranks`);
  }
  for (const [flag, value] of [['--heads', config.heads], ['--head-dim', config.headDim]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new UsageError('RING_SHAPE', `${flag} must be a positive integer, got ${value}`);
  }
  return kind;
}

/** Compiles the attention kernels once per distinct device. */
async function kernelsPerRank(transport: RingTransport, config: RingConfig): Promise<AttentionKernels[]> {
  const byGpu = new Map<Gpu, Promise<AttentionKernels>>();
  const settings = { heads: config.heads, headDim: config.headDim, causal: config.causal, ...(config.scale === undefined ? {} : { scale: config.scale }) };
  const out: Promise<AttentionKernels>[] = [];
  for (let r = 0; r < config.ranks; r++) {
    const gpu = transport.gpu(r);
    let k = byGpu.get(gpu);
    if (!k) {
      k = createAttentionKernels(gpu, settings);
      byGpu.set(gpu, k);
    }
    out.push(k);
  }
  return Promise.all(out);
}

function checkLength(name: string, data: Float32Array, rows: number, width: number, shape: string): void {
  if (data.length !== rows * width) {
    throw new ShapeError(`ring attention: ${name} has ${data.length} values, expected ${shape} = ${rows * width}`);
  }
}

/** Sets up R ranks on `transport` (allocating their buffers) for one sequence length and shape. */
export async function createRingAttention(transport: RingTransport, config: RingConfig): Promise<RingAttention> {
  const kind = checkConfig(config, transport);
  const layout = planLayout(kind, config.seqLen, config.ranks);
  const plans = planRing(layout, config.causal);
  const kernels = await kernelsPerRank(transport, config);
  const rows = layout.segmentsPerRank * layout.segmentRows;
  const ranks: RankRuntime[] = kernels.map((attn, r) => allocateRank(r, transport.gpu(r), attn, rows));
  const { heads: H, headDim: D, seqLen: T } = config;
  const width = H * D;
  const ctx: RingContext = { layout, plans, transport, ranks, rowBytes: width * 4 };
  const shape = `[T=${T}, H=${H}, D=${D}]`;
  let forwardDone = false;

  const upload = (name: string, data: Float32Array, pick: (rt: RankRuntime) => GPUBuffer): void => {
    checkLength(name, data, T, width, shape);
    shardRows(layout, data, width).forEach((segs, r) => {
      const rt = ranks[r];
      if (rt) rt.gpu.device.queue.writeBuffer(pick(rt), 0, concat(segs));
    });
  };
  const download = async (pick: (rt: RankRuntime) => GPUBuffer, w: number): Promise<Float32Array> => {
    const parts = await Promise.all(ranks.map(async (rt) => splitRows(await readF32(rt.gpu, pick(rt), rows * w), layout.segmentRows * w)));
    return gatherRows(layout, parts, w);
  };
  const grads = (rt: RankRuntime) => {
    if (!rt.grads) throw new Error('readGrads() before backward()');
    return rt.grads;
  };

  return {
    layout, plans, transport,
    load(inputs) {
      upload('q', inputs.q, (rt) => rt.q);
      upload('k', inputs.k, (rt) => rt.home.k);
      upload('v', inputs.v, (rt) => rt.home.v);
      for (const rt of ranks) rt.gpu.device.queue.writeBuffer(rt.home.pos, 0, concatU32(layout.segments[rt.rank]?.map((s) => s.positions) ?? []));
    },
    async forward() {
      const log = await runRingForward(ctx);
      forwardDone = true;
      return log;
    },
    async readOutput() {
      return { o: await download((rt) => rt.o, width), lse: await download((rt) => rt.lse, H) };
    },
    loadGrad(dO) {
      for (const rt of ranks) rt.grads ??= allocateGrads(rt);
      upload('dO', dO, (rt) => grads(rt).dO);
    },
    async backward() {
      if (!forwardDone) throw new Error('ring backward() needs forward() first (it uses the final lse and O)');
      return runRingBackward(ctx);
    },
    async readGrads() {
      const slot = finalDkvSlot(config.ranks);
      return {
        dq: await download((rt) => grads(rt).dq, width),
        dk: await download((rt) => grads(rt).dkv[slot].dk, width),
        dv: await download((rt) => grads(rt).dkv[slot].dv, width),
      };
    },
    memory() {
      return ranks.map((rt) => {
        const stagingBytes = transport.stagingBytes(rt.rank);
        return { rank: rt.rank, bufferBytes: rt.store.peak, stagingBytes, peakBytes: rt.store.peak + stagingBytes };
      });
    },
    destroy() {
      for (const rt of ranks) rt.store.destroy();
    },
  };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function concatU32(parts: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function splitRows(data: Float32Array, size: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}
