// Benchmarks of blockwise causal attention forward and backward at the model's length
// (T = 8,760 hourly rows, one head, D = 32) and a small quick case. FLOPs follow FlashAttention-2's
// convention: forward 4·D per unmasked (query, key) pair, backward 2.5× that. The `-f16` kernels
// store Q, K and V as f16 (`--features f16`); their error column is against the unrounded inputs.

import { CloseAccumulator, FP32_TOLERANCE, seededF32, type Tolerance } from '../../core/index.ts';
import {
  attentionF16StorageTolerance,
  attentionBackwardRef,
  fromF16Array,
  toF16Array,
  uploadF16,
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

/** Element type of Q, K and V (AttentionConfig.storage). */
type Storage = 'f32' | 'f16';

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

/** GPU rows vs the dense reference restricted to `rows` as queries (all keys), at `tolerance`. */
function compareRows(
  gpuOut: Float32Array,
  refOut: Float64Array,
  rows: readonly number[],
  width: number,
  tolerance: Tolerance = FP32_TOLERANCE,
): { maxAbsError: number; withinTolerance: boolean } {
  const acc = new CloseAccumulator(tolerance);
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

/** Seeded inputs; with f16 storage Q, K and V are uploaded rounded to f16 (`host` keeps the f32 values). */
function inputs(gpu: Gpu, s: Shape, storage: Storage): Inputs {
  const n = s.T * s.H * s.D;
  const host = { q: seededF32(n, 1), k: seededF32(n, 2), v: seededF32(n, 3), dO: seededF32(n, 4) };
  const up = storage === 'f16' ? uploadF16 : uploadF32;
  return {
    host,
    q: up(gpu, host.q, 'q'),
    k: up(gpu, host.k, 'k'),
    v: up(gpu, host.v, 'v'),
    dO: uploadF32(gpu, host.dO, 'dO'),
  };
}

/** The inputs as f16 storage holds them (Q, K, V rounded once; dO stays f32). */
function storedInputs(x: Inputs['host']): Inputs['host'] {
  const r = (a: Float32Array): Float32Array => fromF16Array(toF16Array(a));
  return { q: r(x.q), k: r(x.k), v: r(x.v), dO: x.dO };
}

/** Bytes of Q, K, V, dO / O and lse one pass must move, by storage. */
function qkvBytes(s: Shape, storage: Storage): number {
  return s.T * s.H * s.D * (storage === 'f16' ? 2 : 4);
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

async function forwardRun(gpu: Gpu, s: Shape, storage: Storage): Promise<KernelBenchRun> {
  const attn = await createAttentionKernels(gpu, { heads: s.H, headDim: s.D, causal: true, storage });
  const x = inputs(gpu, s, storage);
  const state = attn.createState(s.T);
  const o = gpu.device.createBuffer({ size: s.T * s.H * s.D * 4, usage: OUTPUT_USAGE });
  const lse = gpu.device.createBuffer({ size: s.T * s.H * 4, usage: OUTPUT_USAGE });
  // State m, l, acc plus m's constant init copy (same size as m).
  const owned = [x.q, x.k, x.v, x.dO, o, lse, state.m, state.m, state.l, state.acc, attn.positions(s.T)];
  const rows = checkRows(s.T);
  const encode = (encoder: GPUCommandEncoder): void =>
    attn.encodeForward(encoder, { q: x.q, k: x.k, v: x.v, T: s.T, o, lse, state });
  return {
    flops: 4 * s.D * s.H * causalPairs(s.T),
    bytes: 3 * qkvBytes(s, storage) + (s.T * s.H * s.D + s.T * s.H) * 4,
    allocatedBytes: bytesOf(owned),
    encode,
    async run() {
      const encoder = gpu.device.createCommandEncoder();
      encode(encoder);
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
    },
    async check() {
      const got = await readF32(gpu, o, s.T * s.H * s.D);
      const given = compareRows(got, refForRows(s, x.host, rows).forward().o, rows, s.H * s.D);
      if (storage === 'f32') return given;
      // f16 storage: exact to f32 rounding on the stored inputs, within the f16 bound on the given ones.
      const stored = compareRows(got, refForRows(s, storedInputs(x.host), rows).forward().o, rows, s.H * s.D);
      const tol = attentionF16StorageTolerance({ headDim: s.D }, x.host).o;
      const bounded = compareRows(got, refForRows(s, x.host, rows).forward().o, rows, s.H * s.D, tol);
      return { maxAbsError: given.maxAbsError, withinTolerance: stored.withinTolerance && bounded.withinTolerance };
    },
    destroy() {
      for (const b of [x.q, x.k, x.v, x.dO, o, lse]) b.destroy();
      attn.destroy(); // and the state it created
    },
  };
}

async function backwardRun(gpu: Gpu, s: Shape, storage: Storage): Promise<KernelBenchRun> {
  const attn: AttentionKernels = await createAttentionKernels(gpu, { heads: s.H, headDim: s.D, causal: true, storage });
  const x = inputs(gpu, s, storage);
  const { o, lse } = await attn.forward({ q: x.q, k: x.k, v: x.v, T: s.T });
  const n = s.T * s.H * s.D;
  const make = (count: number) => gpu.device.createBuffer({ size: count * 4, usage: STORAGE_USAGE });
  const g = { dq: make(n), dk: make(n), dv: make(n), delta: make(s.T * s.H) };
  const rows = checkRows(s.T);
  const encode = (encoder: GPUCommandEncoder): void => {
    for (const b of [g.dq, g.dk, g.dv]) encoder.clearBuffer(b); // the passes accumulate
    attn.encodeBackward(encoder, { q: x.q, k: x.k, v: x.v, T: s.T, o, lse, dO: x.dO, ...g });
  };
  return {
    flops: 2.5 * 4 * s.D * s.H * causalPairs(s.T),
    bytes: 3 * qkvBytes(s, storage) + (5 * n + 2 * s.T * s.H) * 4,
    allocatedBytes: bytesOf([x.q, x.k, x.v, x.dO, o, lse, g.dq, g.dk, g.dv, g.delta, attn.positions(s.T)]),
    encode,
    async run() {
      const encoder = gpu.device.createCommandEncoder();
      encode(encoder);
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
    },
    async check() {
      // dQ rows depend only on their own query, so a row subset checks exactly; dK/dV are
      // covered against the full dense reference in the test suite (T <= 1024).
      const got = await readF32(gpu, g.dq, n);
      const given = compareRows(got, refForRows(s, x.host, rows).dq(), rows, s.H * s.D);
      if (storage === 'f32') return given;
      // f16 storage: judged on the stored inputs (f32 rounding only); the error shown is on the given ones.
      const stored = compareRows(got, refForRows(s, storedInputs(x.host), rows).dq(), rows, s.H * s.D);
      return { maxAbsError: given.maxAbsError, withinTolerance: stored.withinTolerance };
    },
    destroy() {
      for (const b of [x.q, x.k, x.v, x.dO, o, lse, g.dq, g.dk, g.dv, g.delta]) b.destroy();
      attn.destroy();
    },
  };
}

function attentionCase(backward: boolean, s: Shape, quick: boolean, storage: Storage = 'f32'): KernelBenchCase {
  return {
    kernel: `${backward ? 'attention-bwd' : 'attention-fwd'}${storage === 'f16' ? '-f16' : ''}`,
    shape: `T${s.T} H${s.H} D${s.D} causal`,
    quick,
    ...(storage === 'f16' ? { requires: 'f16' as const } : {}),
    setup: (gpu) => (backward ? backwardRun(gpu, s, storage) : forwardRun(gpu, s, storage)),
  };
}

const LONG = { T: 8760, H: 1, D: 32 };
const SMALL = { T: 512, H: 1, D: 32 };
const cases: KernelBenchCase[] = [
  attentionCase(false, SMALL, true),
  attentionCase(true, SMALL, true),
  attentionCase(false, LONG, false),
  attentionCase(true, LONG, false),
  attentionCase(false, SMALL, false, 'f16'),
  attentionCase(true, SMALL, false, 'f16'),
  attentionCase(false, LONG, false, 'f16'),
  attentionCase(true, LONG, false, 'f16'),
];
export default cases;
