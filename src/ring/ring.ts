// The ring attention coordinator: lays the sequence out over R ranks, allocates each rank's
// workspace once for one sequence length, and runs forward and backward ring passes on GPU
// buffers the caller owns (the device-side API a model uses layer after layer), with host
// helpers (load / readOutput / loadGrad / readGrads) as a thin layer on top.
import { createAttentionKernels, type AttentionKernels, type Gpu } from '../kernels/index.ts';
import { UsageError } from '../core/index.ts';
import { encodeRingBackward, runRingBackward } from './backward.ts';
import type { StepRecord } from './commlog.ts';
import { encodeRingForward, recordedLog, runRingForward, type RecordedStep, type RingContext } from './forward.ts';
import { gatherFromRanks, scatterToRanks, writePositions } from './io.ts';
import { planLayout, type RingLayout, type RingLayoutKind } from './layout.ts';
import { checkPassIO, type RingBackwardIO, type RingForwardIO } from './pass-io.ts';
import { allocateRank, rowBytes, type RankRuntime, type RankStore } from './rank.ts';
import { planRing, type StepPlan } from './schedule.ts';
import { localRank } from './step.ts';
import type { RingTransport } from './transport.ts';

export interface RingConfig {
  readonly seqLen: number;
  readonly ranks: number;
  readonly layout: RingLayoutKind;
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
  /** Rows each rank holds (segments × segmentRows, pads included): the first dim of its tensors. */
  readonly rowsPerRank: number;
  /** True when every rank is on one device, so whole passes can be recorded into one encoder. */
  readonly recordable: boolean;
  /** `[rows]` u32 positions of rank `rank`'s rows (PAD_POSITION for pads), on its device. */
  positions(rank: number): GPUBuffer;

  // Device-side API: the tensors are the caller's GPU buffers, one record per rank.
  /** Forward pass: O and lse into `io`; returns the log. Shared device: one submit, no host wait between steps. */
  forwardOn(io: readonly RingForwardIO[]): Promise<StepRecord[]>;
  /** Backward pass (after forwardOn filled io's o and lse): dq, dk, dv into `io`. */
  backwardOn(io: readonly RingBackwardIO[]): Promise<StepRecord[]>;
  /**
   * Records the forward pass into the caller's encoder (recordable rings only); `log(interval)` after the submit
   * finished.
   */
  encodeForward(encoder: GPUCommandEncoder, io: readonly RingForwardIO[]): RecordedPass;
  encodeBackward(encoder: GPUCommandEncoder, io: readonly RingBackwardIO[]): RecordedPass;

  // Host helpers on buffers the ring allocates on first use.
  /** Uploads each rank's rows of q, k, v (pad rows zero). Checks shapes. */
  load(inputs: RingInputs): void;
  /** Runs the forward pass on the loaded tensors; returns its log. */
  forward(): Promise<StepRecord[]>;
  readOutput(): Promise<{ readonly o: Float32Array; readonly lse: Float32Array }>;
  /** Uploads dO `[T, H, D]`. */
  loadGrad(dO: Float32Array): void;
  /** Runs the backward pass (after forward); returns its log. */
  backward(): Promise<StepRecord[]>;
  readGrads(): Promise<{ readonly dq: Float32Array; readonly dk: Float32Array; readonly dv: Float32Array }>;
  memory(): RankMemory[];
  /** Frees every rank's buffers and the attention kernels (the transport stays the caller's). */
  destroy(): void;
}

/** A pass recorded into a caller's encoder: its log once the caller knows when the submit ran. */
export interface RecordedPass {
  log(interval: { readonly startMs: number; readonly endMs: number }): StepRecord[];
}

function checkConfig(config: RingConfig, transport: RingTransport): void {
  if (transport.ranks !== config.ranks) {
    throw new UsageError(
      'RING_RANKS',
      `RingConfig.ranks ${config.ranks} does not match the transport's ${transport.ranks} ranks`,
    );
  }
  for (const [field, value] of [
    ['RingConfig.heads', config.heads],
    ['RingConfig.headDim', config.headDim],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new UsageError('RING_SHAPE', `${field} must be a positive integer, got ${value}`);
  }
}

/** Compiles the attention kernels once per distinct device. */
async function kernelsPerRank(transport: RingTransport, config: RingConfig): Promise<AttentionKernels[]> {
  const byGpu = new Map<Gpu, Promise<AttentionKernels>>();
  const settings = {
    heads: config.heads,
    headDim: config.headDim,
    causal: config.causal,
    ...(config.scale === undefined ? {} : { scale: config.scale }),
  };
  const out: Promise<AttentionKernels>[] = [];
  for (const r of transport.local) {
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

/** One device for every rank: passes can be recorded whole. */
function sharesOneDevice(ranks: readonly RankRuntime[]): boolean {
  return ranks.every((rt) => rt.gpu.device === ranks[0]?.gpu.device);
}

/** Submits a recorded pass on the ranks' one device and returns its log. */
async function submitRecorded(
  ctx: RingContext,
  pass: 'forward' | 'backward',
  encode: (e: GPUCommandEncoder) => RecordedStep[],
): Promise<StepRecord[]> {
  const device = ctx.ranks[0]?.gpu.device;
  if (!device) throw new Error('ring has no ranks');
  const startMs = performance.now();
  const encoder = device.createCommandEncoder({ label: `ring ${pass}` });
  const moved = encode(encoder);
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
  return recordedLog(ctx, pass, moved, { startMs, endMs: performance.now() });
}

/** Sets up R ranks on `transport` (allocating their workspaces) for one sequence length and shape. */
export async function createRingAttention(transport: RingTransport, config: RingConfig): Promise<RingAttention> {
  checkConfig(config, transport);
  const layout = planLayout(config.layout, config.seqLen, config.ranks);
  const plans = planRing(layout, config.causal);
  const kernels = await kernelsPerRank(transport, config);
  const rows = layout.segmentsPerRank * layout.segmentRows;
  const ranks: RankRuntime[] = kernels.map((attn, index) => {
    const rank = transport.local[index] ?? never();
    return allocateRank({ rank, index }, transport.gpu(rank), attn, rows);
  });
  writePositions(ranks, layout);
  const ctx: RingContext = { layout, plans, transport, ranks, rowBytes: rowBytes(kernels[0] ?? never()) };
  const shape = { ranks: ranks.length, rows, heads: config.heads, headDim: config.headDim };
  const recordable = ranks.length === config.ranks && sharesOneDevice(ranks);
  const requireRecordable = (what: string): void => {
    if (!recordable)
      throw new UsageError(
        'RING_NOT_RECORDABLE',
        `ring ${what}: the ranks are on ${config.ranks} devices (${transport.mode} mode); use forwardOn/backwardOn`,
      );
  };
  const host = hostBuffers(ranks, layout, config, transport);
  const ring: RingAttention = {
    layout,
    plans,
    transport,
    rowsPerRank: rows,
    recordable,
    positions: (rank) => (localRank(ranks, rank) ?? never()).pos,
    forwardOn(io) {
      checkPassIO('forward', io, shape);
      return recordable
        ? submitRecorded(ctx, 'forward', (e) => encodeRingForward(ctx, io, e))
        : runRingForward(ctx, io);
    },
    backwardOn(io) {
      checkPassIO('backward', io, shape);
      return recordable
        ? submitRecorded(ctx, 'backward', (e) => encodeRingBackward(ctx, io, e))
        : runRingBackward(ctx, io);
    },
    encodeForward(encoder, io) {
      requireRecordable('encodeForward');
      checkPassIO('forward', io, shape);
      const moved = encodeRingForward(ctx, io, encoder);
      return { log: (interval) => recordedLog(ctx, 'forward', moved, interval) };
    },
    encodeBackward(encoder, io) {
      requireRecordable('encodeBackward');
      checkPassIO('backward', io, shape);
      const moved = encodeRingBackward(ctx, io, encoder);
      return { log: (interval) => recordedLog(ctx, 'backward', moved, interval) };
    },
    load: (inputs) => host.load(inputs),
    forward: () => ring.forwardOn(host.forwardIO()),
    readOutput: () => host.readOutput(),
    loadGrad: (dO) => host.loadGrad(dO),
    backward: () => {
      if (!host.forwardDone()) throw new Error('ring backward() needs forward() first (it uses the final lse and O)');
      return ring.backwardOn(host.backwardIO());
    },
    readGrads: () => host.readGrads(),
    memory: () => ranks.map((rt) => rankMemory(rt.store, rt.rank, transport)),
    destroy() {
      for (const rt of ranks) rt.store.destroy();
      for (const k of new Set(kernels)) k.destroy();
    },
  };
  return ring;
}

function never(): never {
  throw new Error('ring has no ranks');
}

interface HostIO {
  readonly forward: RingForwardIO;
  backward?: RingBackwardIO;
}

/** The host helpers: buffers allocated on first use from each rank's store (so memory counts them). */
function hostBuffers(ranks: readonly RankRuntime[], layout: RingLayout, config: RingConfig, transport: RingTransport) {
  const width = config.heads * config.headDim;
  const shape = `[T=${config.seqLen}, H=${config.heads}, D=${config.headDim}]`;
  const tensor = (rt: RankRuntime, name: string): GPUBuffer => rt.store.buffer(rt.rows * width * 4, `host ${name}`);
  let io: HostIO[] | undefined;
  let forwardDone = false;
  const forwardIO = (): HostIO[] => {
    io ??= ranks.map((rt) => ({
      forward: {
        q: tensor(rt, 'q'),
        k: tensor(rt, 'k'),
        v: tensor(rt, 'v'),
        o: tensor(rt, 'o'),
        lse: rt.store.buffer(rt.rows * config.heads * 4, 'host lse'),
      },
    }));
    return io;
  };
  const backwardIO = (): RingBackwardIO[] =>
    forwardIO().map((h, r) => {
      const rt = ranks[r] ?? never();
      h.backward ??= {
        ...h.forward,
        dO: tensor(rt, 'dO'),
        dq: tensor(rt, 'dq'),
        dk: tensor(rt, 'dk'),
        dv: tensor(rt, 'dv'),
      };
      return h.backward;
    });
  const at = (r: number): HostIO => forwardIO()[r] ?? never();
  const upload = (name: string, data: Float32Array, pick: (index: number) => GPUBuffer): void =>
    scatterToRanks(ranks, layout, { name, data, width, shape }, (rt) => pick(rt.index));
  const gather = (w: number, pick: (index: number) => GPUBuffer): Promise<Float32Array> => {
    if (ranks.length !== layout.ranks)
      throw new UsageError(
        'RING_NOT_LOCAL',
        `ring: this process holds ranks ${transport.local.join(', ')} of ${layout.ranks}; ` +
          "read each rank's rows in its own process (forwardOn/backwardOn on your buffers)",
      );
    return gatherFromRanks(ranks, layout, w, (rt) => pick(rt.index));
  };
  const grads = (r: number): RingBackwardIO => backwardIO()[r] ?? never();
  return {
    forwardDone: () => forwardDone,
    forwardIO: () => {
      forwardDone = true;
      return forwardIO().map((h) => h.forward);
    },
    backwardIO,
    load(inputs: RingInputs): void {
      upload('q', inputs.q, (r) => at(r).forward.q);
      upload('k', inputs.k, (r) => at(r).forward.k);
      upload('v', inputs.v, (r) => at(r).forward.v);
    },
    loadGrad(dO: Float32Array): void {
      upload('dO', dO, (r) => grads(r).dO);
    },
    async readOutput() {
      return {
        o: await gather(width, (r) => at(r).forward.o),
        lse: await gather(config.heads, (r) => at(r).forward.lse),
      };
    },
    async readGrads() {
      return {
        dq: await gather(width, (r) => grads(r).dq),
        dk: await gather(width, (r) => grads(r).dk),
        dv: await gather(width, (r) => grads(r).dv),
      };
    },
  };
}

function rankMemory(store: RankStore, rank: number, transport: RingTransport): RankMemory {
  const stagingBytes = transport.stagingBytes(rank);
  return { rank, bufferBytes: store.peak, stagingBytes, peakBytes: store.peak + stagingBytes };
}
