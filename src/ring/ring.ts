// The ring attention coordinator: lays the sequence out over R ranks, uploads each rank's rows,
// runs the forward and backward ring passes through a transport, and gathers the results.
import { createAttentionKernels, type AttentionKernels, type Gpu } from '../kernels/index.ts';
import { UsageError } from '../core/index.ts';
import { finalDkvSlot, runRingBackward } from './backward.ts';
import type { StepRecord } from './commlog.ts';
import { runRingForward, type RingContext } from './forward.ts';
import { gatherFromRanks, scatterToRanks, writePositions } from './io.ts';
import { planLayout, validateRingShape, type RingLayout, type RingLayoutKind } from './layout.ts';
import { allocateGrads, allocateRank, type RankGrads, type RankRuntime } from './rank.ts';
import { planRing, type StepPlan } from './schedule.ts';
import type { RingTransport } from './transport.ts';

export interface RingConfig {
  readonly seqLen: number;
  readonly ranks: number;
  /** contiguous | zigzag | striped (a string so CLI input can be passed and checked here). */
  readonly layout: string;
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

/** Sets up R ranks on `transport` (allocating their buffers) for one sequence length and shape. */
export async function createRingAttention(transport: RingTransport, config: RingConfig): Promise<RingAttention> {
  const kind = checkConfig(config, transport);
  const layout = planLayout(kind, config.seqLen, config.ranks);
  const plans = planRing(layout, config.causal);
  const kernels = await kernelsPerRank(transport, config);
  const rows = layout.segmentsPerRank * layout.segmentRows;
  const ranks: RankRuntime[] = kernels.map((attn, r) => allocateRank(r, transport.gpu(r), attn, rows));
  const width = config.heads * config.headDim;
  const ctx: RingContext = { layout, plans, transport, ranks, rowBytes: width * 4 };
  const shape = `[T=${config.seqLen}, H=${config.heads}, D=${config.headDim}]`;
  const upload = (name: string, data: Float32Array, pick: (rt: RankRuntime) => GPUBuffer): void =>
    scatterToRanks(ranks, layout, { name, data, width, shape }, pick);
  let forwardDone = false;
  return {
    layout, plans, transport,
    load(inputs) {
      upload('q', inputs.q, (rt) => rt.q);
      upload('k', inputs.k, (rt) => rt.home.k);
      upload('v', inputs.v, (rt) => rt.home.v);
      writePositions(ranks, layout);
    },
    async forward() {
      const log = await runRingForward(ctx);
      forwardDone = true;
      return log;
    },
    async readOutput() {
      return { o: await gatherFromRanks(ranks, layout, width, (rt) => rt.o), lse: await gatherFromRanks(ranks, layout, config.heads, (rt) => rt.lse) };
    },
    loadGrad(dO) {
      for (const rt of ranks) rt.grads ??= allocateGrads(rt);
      upload('dO', dO, (rt) => gradsOf(rt).dO);
    },
    async backward() {
      if (!forwardDone) throw new Error('ring backward() needs forward() first (it uses the final lse and O)');
      return runRingBackward(ctx);
    },
    async readGrads() {
      const slot = finalDkvSlot(config.ranks);
      const read = (pick: (rt: RankRuntime) => GPUBuffer) => gatherFromRanks(ranks, layout, width, pick);
      return { dq: await read((rt) => gradsOf(rt).dq), dk: await read((rt) => gradsOf(rt).dkv[slot].dk), dv: await read((rt) => gradsOf(rt).dkv[slot].dv) };
    },
    memory: () => ranks.map((rt) => rankMemory(rt, transport)),
    destroy() {
      for (const rt of ranks) rt.store.destroy();
    },
  };
}

function gradsOf(rt: RankRuntime): RankGrads {
  if (!rt.grads) throw new Error(`rank ${rt.rank}: gradients read before loadGrad()/backward()`);
  return rt.grads;
}

function rankMemory(rt: RankRuntime, transport: RingTransport): RankMemory {
  const stagingBytes = transport.stagingBytes(rt.rank);
  return { rank: rt.rank, bufferBytes: rt.store.peak, stagingBytes, peakBytes: rt.store.peak + stagingBytes };
}
