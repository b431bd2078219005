// Benchmarks of blockwise causal attention forward and backward at the model's length
// (T = 8,760 hourly rows, one head, D = 32) and a small quick case. FLOPs follow FlashAttention-2's
// convention: forward 4·D per unmasked (query, key) pair, backward 2.5× that.
import { CloseAccumulator, FP32_TOLERANCE, seededF32 } from '../../core/index.ts';
import {
  attentionBackwardRef,
  attentionForwardRef,
  createAttentionKernels,
  OUTPUT_USAGE,
  readF32,
  STORAGE_USAGE,
  uploadF32,
  type AttentionKernels,
  type Gpu,
} from '../../kernels/index.ts';
import type { KernelBenchCase, KernelBenchRun } from './case.ts';

interface Shape {
  readonly T: number;
  readonly H: number;
  readonly D: number;
}

const CHECK_ROWS = 24; // query rows checked against the dense reference (spread over T)

/** Unmasked pairs of causal attention over T rows. */
function causalPairs(T: number): number {
  return (T * (T + 1)) / 2;
}

/** Rows spread over [0, T), always including the last (the longest causal row). */
function checkRows(T: number): number[] {
  const n = Math.min(CHECK_ROWS, T);
  return Array.from({ length: n }, (_, i) => Math.round(((i + 1) * (T - 1)) / n));
}

/** GPU rows vs the dense reference restricted to `rows` as queries (all keys), at fp32 tolerance. */
function compareRows(
  gpuOut: Float32Array,
  refOut: Float64Array,
  rows: readonly number[],
  width: number,
): { maxAbsError: number; withinTolerance: boolean } {
  const acc = new CloseAccumulator(FP32_TOLERANCE);
  rows.forEach((r, i) => {
    for (let c = 0; c < width; c++) acc.add(gpuOut[r * width + c] ?? Number.NaN, refOut[i * width + c] ?? Number.NaN);
  });
  const { maxAbsError, withinTolerance } = acc.report();
  return { maxAbsError, withinTolerance };
}

interface Inputs {
  readonly host: { q: Float32Array; k: Float32Array; v: Float32Array; dO: Float32Array };
  readonly q: GPUBuffer;
  readonly k: GPUBuffer;
  readonly v: GPUBuffer;
  readonly dO: GPUBuffer;
}

function inputs(gpu: Gpu, s: Shape): Inputs {
  const n = s.T * s.H * s.D;
  const host = { q: seededF32(n, 1), k: seededF32(n, 2), v: seededF32(n, 3), dO: seededF32(n, 4) };
  return {
    host,
    q: uploadF32(gpu, host.q, 'q'),
    k: uploadF32(gpu, host.k, 'k'),
    v: uploadF32(gpu, host.v, 'v'),
    dO: uploadF32(gpu, host.dO, 'dO'),
  };
}

/** Dense reference for the checked query rows (keys: all rows, causal by position). */
function refForRows(s: Shape, x: Inputs['host'], rows: readonly number[]) {
  const W = s.H * s.D;
  const pick = (a: Float32Array) => Float32Array.from(rows.flatMap((r) => Array.from(a.subarray(r * W, (r + 1) * W))));
  const all = Array.from({ length: s.T }, (_, i) => i);
  const cfg = { heads: s.H, headDim: s.D, causal: true };
  const sub = { q: pick(x.q), k: x.k, v: x.v, qPos: rows, kPos: all };
  return { forward: () => attentionForwardRef(cfg, sub), dq: () => attentionBackwardRef(cfg, sub, pick(x.dO)).dq };
}

function bytesOf(buffers: readonly GPUBuffer[]): number {
  return buffers.reduce((sum, b) => sum + b.size, 0);
}

async function forwardRun(gpu: Gpu, s: Shape): Promise<KernelBenchRun> {
  const attn = await createAttentionKernels(gpu, { heads: s.H, headDim: s.D, causal: true });
  const x = inputs(gpu, s);
  const state = attn.createState(s.T);
  const o = gpu.device.createBuffer({ size: s.T * s.H * s.D * 4, usage: OUTPUT_USAGE });
  const lse = gpu.device.createBuffer({ size: s.T * s.H * 4, usage: OUTPUT_USAGE });
  // State m, l, acc plus m's constant init copy (same size as m).
  const owned = [x.q, x.k, x.v, x.dO, o, lse, state.m, state.m, state.l, state.acc, attn.positions(s.T)];
  const rows = checkRows(s.T);
  return {
    flops: 4 * s.D * s.H * causalPairs(s.T),
    bytes: (4 * s.T * s.H * s.D + s.T * s.H) * 4,
    allocatedBytes: bytesOf(owned),
    async run() {
      const encoder = gpu.device.createCommandEncoder();
      attn.encodeForward(encoder, { q: x.q, k: x.k, v: x.v, T: s.T, o, lse, state });
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
    },
    async check() {
      const got = await readF32(gpu, o, s.T * s.H * s.D);
      return compareRows(got, refForRows(s, x.host, rows).forward().o, rows, s.H * s.D);
    },
    destroy() {
      for (const b of [x.q, x.k, x.v, x.dO, o, lse]) b.destroy();
      attn.destroy(); // and the state it created
    },
  };
}

async function backwardRun(gpu: Gpu, s: Shape): Promise<KernelBenchRun> {
  const attn: AttentionKernels = await createAttentionKernels(gpu, { heads: s.H, headDim: s.D, causal: true });
  const x = inputs(gpu, s);
  const { o, lse } = await attn.forward({ q: x.q, k: x.k, v: x.v, T: s.T });
  const n = s.T * s.H * s.D;
  const make = (count: number) => gpu.device.createBuffer({ size: count * 4, usage: STORAGE_USAGE });
  const g = { dq: make(n), dk: make(n), dv: make(n), delta: make(s.T * s.H) };
  const rows = checkRows(s.T);
  return {
    flops: 2.5 * 4 * s.D * s.H * causalPairs(s.T),
    bytes: (8 * n + 2 * s.T * s.H) * 4,
    allocatedBytes: bytesOf([x.q, x.k, x.v, x.dO, o, lse, g.dq, g.dk, g.dv, g.delta, attn.positions(s.T)]),
    async run() {
      const encoder = gpu.device.createCommandEncoder();
      for (const b of [g.dq, g.dk, g.dv]) encoder.clearBuffer(b); // the passes accumulate
      attn.encodeBackward(encoder, { q: x.q, k: x.k, v: x.v, T: s.T, o, lse, dO: x.dO, ...g });
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
    },
    async check() {
      // dQ rows depend only on their own query, so a row subset checks exactly; dK/dV are
      // covered against the full dense reference in the test suite (T <= 1024).
      const got = await readF32(gpu, g.dq, n);
      return compareRows(got, refForRows(s, x.host, rows).dq(), rows, s.H * s.D);
    },
    destroy() {
      for (const b of [x.q, x.k, x.v, x.dO, o, lse, g.dq, g.dk, g.dv, g.delta]) b.destroy();
      attn.destroy();
    },
  };
}

function attentionCase(backward: boolean, s: Shape, quick: boolean): KernelBenchCase {
  return {
    kernel: backward ? 'attention-bwd' : 'attention-fwd',
    shape: `T${s.T} H${s.H} D${s.D} causal`,
    quick,
    setup: (gpu) => (backward ? backwardRun(gpu, s) : forwardRun(gpu, s)),
  };
}

const LONG = { T: 8760, H: 1, D: 32 };
const SMALL = { T: 512, H: 1, D: 32 };
const cases: KernelBenchCase[] = [
  attentionCase(false, SMALL, true),
  attentionCase(true, SMALL, true),
  attentionCase(false, LONG, false),
  attentionCase(true, LONG, false),
];
export default cases;
