// The forecaster on the GPU, sequence-parallel over the ranks of a ring transport: replicated
// parameters per rank, each rank's layout rows of every activation, attention through the ring.
// A training step (windows of a batch → forward, backward, gradient all-reduce, clip, AdamW) is
// recorded as one submit on a shared device; the host reads back only the loss and grad norm.
import { readF32, STORAGE_USAGE } from '../kernels/index.ts';
import {
  createGradientCollective,
  createRingAttention,
  gatherRows,
  shardRows,
  type GradientCollective,
  type RingAttention,
  type RingLayoutKind,
  type RingTransport,
  type StepRecord,
} from '../ring/index.ts';
import { createDeviceOps, type DeviceOps } from './device-ops.ts';
import { encodeBackward, encodeForward, linearShapes, type ModelContext } from './model-pass.ts';
import { headDim, paramLayout, type ModelConfig, type ParamLayout } from './params.ts';
import { allocateRankBuffers, inputSlot, type RankBuffers } from './rank-buffers.ts';
import { createStepRecorder, type StepRecorder } from './recorder.ts';

/**
 * One training window on the host: x [T, F] normalised features (past-only), future [T, horizon, K]
 * (what is known at each position about each of its target hours: src/train/future.ts), target and
 * mask [T, horizon].
 */
export interface HostWindow {
  readonly x: Float32Array;
  readonly future: Float32Array;
  readonly target: Float32Array;
  readonly mask: Float32Array;
}

export interface StepHyper {
  /** AdamW step t (1-based: bias correction). */
  readonly step: number;
  readonly lr: number;
  readonly weightDecay: number;
  /** Global-norm clip (0 = none). */
  readonly clip: number;
}

export interface StepResult {
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Observed targets the loss is the mean over. */
  readonly weight: number;
  readonly ringLog: readonly StepRecord[];
  /** Host read-backs this step made (one small buffer per device: losses and grad norm). */
  readonly readBacks: number;
  readonly submits: number;
  /** Bytes the gradient all-reduce moved. */
  readonly allReduceBytes: number;
}

export interface GpuModelOptions {
  readonly config: ModelConfig;
  readonly seqLen: number;
  readonly layout: RingLayoutKind;
}

export interface GpuModel {
  readonly config: ModelConfig;
  readonly params: ParamLayout;
  readonly ring: RingAttention;
  readonly seqLen: number;
  /** Writes parameters (and AdamW moments; zeros when omitted) to every rank. */
  setState(params: Float32Array, m?: Float32Array, v?: Float32Array): Promise<void>;
  /** Rank 0's parameters and moments (every rank holds the same). */
  readState(): Promise<{ params: Float32Array; m: Float32Array; v: Float32Array }>;
  /** Loss and the all-reduced gradient of a batch (no optimiser step): the gradient check's entry. */
  lossAndGrads(windows: readonly HostWindow[]): Promise<{ loss: number; weight: number; grads: Float32Array }>;
  trainStep(windows: readonly HostWindow[], hyper: StepHyper): Promise<StepResult>;
  /** Forward only: the masked loss of each window. */
  evaluate(window: HostWindow): Promise<{ loss: number; weight: number }>;
  /** Forward only: predictions [T, horizon, Q] (normalised; Q = config.quantiles) at every position. */
  predict(x: Float32Array, future: Float32Array): Promise<Float32Array>;
  /** Peak bytes per rank: its model buffers plus its ring workspace and staging. */
  memory(): number[];
  destroy(): void;
}

function checkModel(c: ModelConfig, seqLen: number): void {
  const ints: [string, number][] = [
    ['features', c.features],
    ['dModel', c.dModel],
    ['heads', c.heads],
    ['layers', c.layers],
    ['mlpRatio', c.mlpRatio],
    ['horizon', c.horizon],
    ['futureFeatures', c.futureFeatures],
    ['headHidden', c.headHidden],
    ['seqLen', seqLen],
  ];
  for (const [name, v] of ints)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`model ${name} must be a positive integer, got ${v}`);
  if (c.dModel % c.heads !== 0 || headDim(c) % 4 !== 0) {
    throw new RangeError(
      `model dModel ${c.dModel} / heads ${c.heads} = ${c.dModel / c.heads}: ` +
        'the head size must be an integer multiple of 4',
    );
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const sum = (a: Float32Array): number => a.reduce((s, x) => s + x, 0);

/** Builds the model on `transport` (its ranks' devices), compiling every kernel it will use. */
export async function createGpuModel(transport: RingTransport, o: GpuModelOptions): Promise<GpuModel> {
  const c = o.config;
  checkModel(c, o.seqLen);
  const layout = paramLayout(c);
  const ring = await createRingAttention(transport, {
    seqLen: o.seqLen,
    ranks: transport.ranks,
    layout: o.layout,
    heads: c.heads,
    headDim: headDim(c),
    causal: true,
  });
  const collective = await createGradientCollective(transport);
  // This process's ranks: all of them in one process, one per process with the process transport.
  const gpus = transport.local.map((r) => transport.gpu(r));
  const opsByGpu = new Map<unknown, Promise<DeviceOps>>();
  for (const g of gpus) if (!opsByGpu.has(g)) opsByGpu.set(g, createDeviceOps(g));
  const ops = await Promise.all(gpus.map((g) => opsByGpu.get(g) ?? createDeviceOps(g)));
  const rows = ring.rowsPerRank;
  for (const op of new Set(ops)) for (const s of Object.values(linearShapes(c, rows))) await op.prepareLinear(s);
  const ranks = ops.map((op, i) => allocateRankBuffers(op, transport.local[i] ?? i, c, layout, rows));
  const ctx: ModelContext = { config: c, layout, ring, rows, ops, ranks };
  const devices = gpus.map((g) => g.device);
  return makeModel(ctx, o, transport, collective, devices);
}

function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`index ${i} out of range`);
  return x;
}

function makeModel(
  ctx: ModelContext,
  o: GpuModelOptions,
  transport: RingTransport,
  collective: GradientCollective,
  devices: readonly GPUDevice[],
): GpuModel {
  const { config: c, layout, ring, ranks } = ctx;
  const R = transport.ranks;
  // One rank per process: each reads back only its own loss stats, so they are summed over ranks.
  const spmd = ranks.length < R;
  const reports = new Map<GPUDevice, { buffer: GPUBuffer; windows: number }>();
  const reportFor = (device: GPUDevice, windows: number): GPUBuffer => {
    const have = reports.get(device);
    if (have && have.windows >= windows) return have.buffer;
    have?.buffer.destroy();
    const buffer = device.createBuffer({
      label: 'train report',
      size: (windows * R * 2 + 2) * 4,
      usage: STORAGE_USAGE,
    });
    reports.set(device, { buffer, windows });
    return buffer;
  };
  const checkWindow = (w: HostWindow, i: number): void => {
    const T = o.seqLen;
    const want: [string, Float32Array, number, string][] = [
      ['x', w.x, T * c.features, `F=${c.features}`],
      ['future', w.future, T * c.horizon * c.futureFeatures, `horizon=${c.horizon}, K=${c.futureFeatures}`],
      ['target', w.target, T * c.horizon, `horizon=${c.horizon}`],
      ['mask', w.mask, T * c.horizon, `horizon=${c.horizon}`],
    ];
    for (const [name, a, n, dims] of want)
      if (a.length !== n)
        throw new RangeError(`window ${i}: ${name} has ${a.length} values, expected [T=${T}, ${dims}] = ${n}`);
  };
  /** Uploads window i to every local rank's slot i; returns every rank's Σ mask (by rank). */
  const upload = (w: HostWindow, i: number): number[] => {
    checkWindow(w, i);
    const parts = {
      x: shardRows(ring.layout, w.x, c.features).map(concat),
      future: shardRows(ring.layout, w.future, c.horizon * c.futureFeatures).map(concat),
      target: shardRows(ring.layout, w.target, c.horizon).map(concat),
      mask: shardRows(ring.layout, w.mask, c.horizon).map(concat),
    };
    ranks.forEach((rb, k) => {
      const slot = inputSlot(rb, c, i);
      const q = at(devices, k).queue;
      q.writeBuffer(slot.x, 0, at(parts.x, rb.rank));
      q.writeBuffer(slot.future, 0, at(parts.future, rb.rank));
      q.writeBuffer(slot.target, 0, at(parts.target, rb.rank));
      q.writeBuffer(slot.mask, 0, at(parts.mask, rb.rank));
    });
    return parts.mask.map(sum);
  };
  const copyStats = (rec: StepRecorder, windows: number, i: number): void => {
    for (const [k, rb] of ranks.entries())
      rec.encoder(k).copyBufferToBuffer(rb.stats, 0, reportFor(at(devices, k), windows), (i * R + rb.rank) * 8, 8);
  };
  /** One rank per process: its report must hold zeros where the other ranks' stats go (they are summed in). */
  const clearReports = (rec: StepRecorder, windows: number): void => {
    if (!spmd) return;
    for (const k of ranks.keys()) rec.encoder(k).clearBuffer(reportFor(at(devices, k), windows));
  };
  /** Reads each device's report; returns loss stats [window][rank] = [loss, weight] and the norm. */
  const readReports = async (windows: number): Promise<{ stats: number[][][]; norm: number; readBacks: number }> => {
    if (spmd) await collective.allReduce([reportFor(at(devices, 0), windows)], windows * R * 2);
    const byDevice = new Map<GPUDevice, Float32Array>();
    let readBacks = 0;
    for (const [k, d] of devices.entries()) {
      if (byDevice.has(d)) continue;
      byDevice.set(d, await readF32(transport.gpu(at(ranks, k).rank), reportFor(d, windows), windows * R * 2 + 2));
      readBacks++;
    }
    const stats = Array.from({ length: windows }, (_, i) =>
      Array.from({ length: R }, (_, r) => {
        const rep = byDevice.get(at(devices, spmd ? 0 : r)) ?? new Float32Array(0);
        return [rep[(i * R + r) * 2] ?? Number.NaN, rep[(i * R + r) * 2 + 1] ?? Number.NaN];
      }),
    );
    const rep0 = byDevice.get(at(devices, 0)) ?? new Float32Array(0);
    return { stats, norm: rep0[windows * R * 2] ?? Number.NaN, readBacks };
  };
  const lossOf = (stats: number[][][]): { loss: number; weight: number } => {
    let s = 0;
    let w = 0;
    for (const perRank of stats)
      for (const [l = 0, n = 0] of perRank) {
        s += l * n;
        w += n;
      }
    return { loss: w === 0 ? 0 : s / w, weight: w };
  };
  /** Forward + backward of every window, slice gradients into the flat buffer, all-reduced. */
  const encodeGradients = async (rec: StepRecorder, windows: readonly HostWindow[]): Promise<void> => {
    const masks = windows.map((w, i) => upload(w, i));
    clearReports(rec, windows.length);
    const total = masks.flat().reduce((a, b) => a + b, 0);
    ranks.forEach((rb, r) => {
      const e = rec.encoder(r);
      for (const g of rb.sliceGrads.values()) e.clearBuffer(g);
    });
    for (const [i, perRank] of masks.entries()) {
      await encodeForward(ctx, rec, i);
      copyStats(rec, windows.length, i);
      await encodeBackward(
        ctx,
        rec,
        i,
        perRank.map((w) => (total === 0 ? 0 : w / total)),
      );
    }
    ranks.forEach((rb, r) => {
      const e = rec.encoder(r);
      e.clearBuffer(rb.grads);
      for (const s of layout.slices)
        e.copyBufferToBuffer(rb.sliceGrads.get(s.name) ?? rb.grads, 0, rb.grads, s.offset * 4, s.count * 4);
    });
    await rec.allReduce(
      ranks.map((rb) => rb.grads),
      layout.total,
    );
  };
  const encodeCopyToSlices = (e: GPUCommandEncoder, rb: RankBuffers): void => {
    for (const s of layout.slices)
      e.copyBufferToBuffer(rb.params, s.offset * 4, rb.weights.get(s.name) ?? rb.params, 0, s.count * 4);
  };
  const recorder = (): StepRecorder => createStepRecorder(ring, collective, devices);
  const model: GpuModel = {
    config: c,
    params: layout,
    ring,
    seqLen: o.seqLen,
    async setState(params, m, v) {
      for (const [name, a] of [
        ['params', params],
        ['m', m],
        ['v', v],
      ] as const) {
        if (a && a.length !== layout.total)
          throw new RangeError(`setState ${name} has ${a.length} values, expected the layout's ${layout.total}`);
      }
      const rec = recorder();
      ranks.forEach((rb, r) => {
        const q = at(devices, r).queue;
        q.writeBuffer(rb.params, 0, params);
        q.writeBuffer(rb.m, 0, m ?? new Float32Array(layout.total));
        q.writeBuffer(rb.v, 0, v ?? new Float32Array(layout.total));
        encodeCopyToSlices(rec.encoder(r), rb);
      });
      await rec.finish();
    },
    async readState() {
      const rb = at(ranks, 0);
      const g = transport.gpu(rb.rank);
      return {
        params: await readF32(g, rb.params, layout.total),
        m: await readF32(g, rb.m, layout.total),
        v: await readF32(g, rb.v, layout.total),
      };
    },
    async lossAndGrads(windows) {
      const rec = recorder();
      await encodeGradients(rec, windows);
      await rec.finish();
      const { stats } = await readReports(windows.length);
      const rb = at(ranks, 0);
      return { ...lossOf(stats), grads: await readF32(transport.gpu(rb.rank), rb.grads, layout.total) };
    },
    async trainStep(windows, h) {
      if (windows.length < 1) throw new RangeError('trainStep needs at least one window');
      const rec = recorder();
      const before = collective.log.length;
      await encodeGradients(rec, windows);
      ranks.forEach((rb, r) => {
        const e = rec.encoder(r);
        const op = at(ctx.ops, r);
        op.gradNormAndClip(e, rb.grads, layout.total, rb.normResult, h.clip);
        op.adamw(e, { param: rb.params, grad: rb.grads, m: rb.m, v: rb.v }, layout.total, {
          step: h.step,
          lr: h.lr,
          weightDecay: h.weightDecay,
        });
        encodeCopyToSlices(e, rb);
      });
      const rb0 = at(ranks, 0);
      rec
        .encoder(0)
        .copyBufferToBuffer(rb0.normResult, 0, reportFor(at(devices, 0), windows.length), windows.length * R * 8, 8);
      const ringLog = await rec.finish();
      const allReduceBytes = collective.log.slice(before).reduce((n, x) => n + x.bytesMoved, 0);
      const { stats, norm, readBacks } = await readReports(windows.length);
      return { ...lossOf(stats), gradNorm: norm, ringLog, readBacks, submits: rec.submits, allReduceBytes };
    },
    async evaluate(window) {
      upload(window, 0);
      const rec = recorder();
      clearReports(rec, 1);
      await encodeForward(ctx, rec, 0);
      copyStats(rec, 1, 0);
      await rec.finish();
      return lossOf((await readReports(1)).stats);
    },
    async predict(x, future) {
      if (spmd)
        throw new Error(
          `predict: this process holds rank(s) ${transport.local.join(', ')} of ${R}; ` +
            'forecast from the checkpoint in one process (bench forecast)',
        );
      const T = o.seqLen;
      upload({ x, future, target: new Float32Array(T * c.horizon), mask: new Float32Array(T * c.horizon) }, 0);
      const rec = recorder();
      await encodeForward(ctx, rec, 0);
      await rec.finish();
      const cols = c.horizon * c.quantiles.length;
      const seg = ring.layout.segmentRows * cols;
      const parts = await Promise.all(
        ranks.map(async (rb, r) => {
          const data = await readF32(transport.gpu(r), rb.pred, ctx.rows * cols);
          return Array.from({ length: ring.layout.segmentsPerRank }, (_, s) => data.subarray(s * seg, (s + 1) * seg));
        }),
      );
      return gatherRows(ring.layout, parts, cols);
    },
    memory: () => {
      const ringMem = ring.memory();
      return ranks.map((rb, r) => rb.bytes + (ringMem[r]?.peakBytes ?? 0));
    },
    destroy() {
      for (const r of reports.values()) r.buffer.destroy();
      for (const op of new Set(ctx.ops)) op.destroy();
      collective.destroy();
      ring.destroy();
    },
  };
  return model;
}
