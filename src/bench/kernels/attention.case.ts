// Benchmarks of blockwise causal attention forward and backward at the model's length
// (T = 8,760 hourly rows, one head, D = 32) and a small quick case. FLOPs follow FlashAttention-2's
// convention: forward 4·D per unmasked (query, key) pair, backward 2.5× that. The `-f16` kernels
// store Q, K and V as f16 (`--features f16`); their error column is against the unrounded inputs.
// The correctness-only cases (`timed: false`, kernel `attention` / `attention-f16`) run forward and
// backward on padded rows, causal and not, lengths that are and are not multiples of the workgroup
// tiles (workgroup size × rows per invocation: 32–96 rows on CPU adapters, 32 on GPUs), up to
// T = 1024, under both tunings, and compare O, lse, dQ, dK and dV in full with the dense f64
// reference at fp32 tolerance (atol 1e-5, rtol 1e-4; inputs in [-1, 1), so scores stay small).
// With f16 storage they are as exact against the f16-rounded inputs, and O and lse stay inside
// attentionF16StorageTolerance against the unrounded ones (the bound one f16 rounding per input gives).

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
  PAD_POSITION,
  readF32,
  STORAGE_USAGE,
  uploadF32,
  uploadU32,
  type AttentionKernels,
  type Gpu,
} from '../../kernels/index.ts';
import type { CheckedPart, KernelBenchCase, KernelBenchRun } from './case.ts';
import { checkOutputs } from './training-ops-support.ts';

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

/** A correctness case's shape: rows where `padEvery` divides (i + 1) are padded (0: none). */
interface FullShape extends Shape {
  readonly causal: boolean;
  readonly padEvery: number;
  /** Run the GPU tuning (one row per invocation, workgroups of 32) on whatever adapter this is. */
  readonly gpuTuning?: boolean;
}

/** Positions 0..T-1, with every row where `padEvery` divides (i + 1) replaced by PAD_POSITION. */
export function positionsWithPadding(T: number, padEvery = 0): Uint32Array {
  return Uint32Array.from({ length: T }, (_, i) => (padEvery > 0 && (i + 1) % padEvery === 0 ? PAD_POSITION : i));
}

/**
 * The adapter as a GPU would present itself, so the GPU tuning (one row per invocation,
 * workgroups of 32) runs here too: on a CPU adapter the suite otherwise checks the CPU tuning only.
 */
export function asDiscreteGpu(g: Gpu): Gpu {
  return { ...g, adapter: { ...g.adapter, description: 'discrete GPU (tuning under test)', architecture: 'test' } };
}

/**
 * The correctness cases' kernels: one set per (heads, head size, causal, storage, tuning) and
 * device, kept for the device's life. Several cases share a configuration and differ only in T and
 * padding; compiling the pipelines is what costs (llvmpipe JIT-compiles each new pipeline on first
 * dispatch), so they compile once per configuration, as the dense-reference test grouped them
 * before this list existed. Each case destroys only its own buffers and state. The timed cases
 * keep their own kernels: the gate sets a timed case up anew per batch.
 */
const sharedKernels = new WeakMap<GPUDevice, Map<string, Promise<AttentionKernels>>>();

function kernelsFor(gpu: Gpu, s: FullShape, storage: Storage): Promise<AttentionKernels> {
  let byConfig = sharedKernels.get(gpu.device);
  if (!byConfig) {
    byConfig = new Map();
    sharedKernels.set(gpu.device, byConfig);
  }
  const key = `${s.H} ${s.D} ${s.causal} ${storage} ${s.gpuTuning === true}`;
  const known = byConfig.get(key);
  if (known) return known;
  const cfg = { heads: s.H, headDim: s.D, causal: s.causal, storage };
  const made = createAttentionKernels(s.gpuTuning ? asDiscreteGpu(gpu) : gpu, cfg);
  byConfig.set(key, made);
  made.catch(() => byConfig.delete(key)); // a failed compile (e.g. no shader-f16) is not cached
  return made;
}

/** Forward then backward over all T rows; check() compares every output in full with the dense reference. */
async function fullRun(gpu: Gpu, s: FullShape, storage: Storage, seed: number): Promise<KernelBenchRun> {
  const cfg = { heads: s.H, headDim: s.D, causal: s.causal };
  const attn = await kernelsFor(gpu, s, storage);
  if (s.gpuTuning && (attn.tuning.workgroupSize !== 32 || Object.values(attn.tuning.rows).some((r) => r !== 1))) {
    throw new Error(`attention asked for the GPU tuning, got ${JSON.stringify(attn.tuning)}`);
  }
  const n = s.T * s.H * s.D;
  const host = { q: seededF32(n, seed), k: seededF32(n, seed + 1), v: seededF32(n, seed + 2) };
  const dO = seededF32(n, seed + 3);
  const pos = positionsWithPadding(s.T, s.padEvery);
  const up = storage === 'f16' ? uploadF16 : uploadF32;
  const make = (count: number, label: string) =>
    gpu.device.createBuffer({ label, size: count * 4, usage: STORAGE_USAGE });
  const b = {
    q: up(gpu, host.q, 'q'),
    k: up(gpu, host.k, 'k'),
    v: up(gpu, host.v, 'v'),
    dO: uploadF32(gpu, dO, 'dO'),
    positions: uploadU32(gpu, pos, 'positions'),
    o: make(n, 'o'),
    lse: make(s.T * s.H, 'lse'),
    delta: make(s.T * s.H, 'delta'),
    dq: make(n, 'dq'),
    dk: make(n, 'dk'),
    dv: make(n, 'dv'),
  };
  const state = attn.createState(s.T);
  const owned = Object.values(b);
  const pairs = s.causal ? causalPairs(s.T) : s.T * s.T;
  return {
    flops: 3.5 * 4 * s.D * s.H * pairs,
    bytes: 3 * qkvBytes(s, storage) + (7 * n + 3 * s.T * s.H) * 4,
    allocatedBytes: bytesOf(owned),
    async run() {
      const encoder = gpu.device.createCommandEncoder();
      attn.encodeForward(encoder, {
        q: b.q,
        k: b.k,
        v: b.v,
        T: s.T,
        positions: b.positions,
        o: b.o,
        lse: b.lse,
        state,
      });
      for (const g of [b.dq, b.dk, b.dv]) encoder.clearBuffer(g); // the passes accumulate
      attn.encodeBackward(encoder, { ...b, T: s.T });
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
    },
    async check() {
      const got = {
        o: await readF32(gpu, b.o, n),
        lse: await readF32(gpu, b.lse, s.T * s.H),
        dq: await readF32(gpu, b.dq, n),
        dk: await readF32(gpu, b.dk, n),
        dv: await readF32(gpu, b.dv, n),
      };
      // With f16 storage the exact comparison is against the inputs as stored (rounded once).
      const exactInputs = storage === 'f16' ? storedInputs({ ...host, dO }) : host;
      const x = { ...exactInputs, qPos: pos, kPos: pos };
      const fwd = attentionForwardRef(cfg, x);
      const grads = attentionBackwardRef(cfg, x, dO);
      // Not vacuous: the gradients are far from zero.
      const largest = grads.dq.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
      if (largest <= 1e-2) throw new Error(`reference dq is at most ${largest}: the check would be vacuous`);
      const suffix = storage === 'f16' ? ' vs f16-rounded inputs' : '';
      const parts: CheckedPart[] = (['o', 'lse', 'dq', 'dk', 'dv'] as const).map((name) => ({
        name: `${name}${suffix}`,
        actual: got[name],
        expected: name === 'o' || name === 'lse' ? fwd[name] : grads[name],
        tolerance: FP32_TOLERANCE,
      }));
      if (storage === 'f16') {
        const given = { ...host, qPos: pos, kPos: pos };
        const tol = attentionF16StorageTolerance(cfg, given);
        const ref = attentionForwardRef(cfg, given);
        parts.splice(
          2,
          0,
          { name: 'o vs f32 inputs', actual: got.o, expected: ref.o, tolerance: tol.o },
          { name: 'lse vs f32 inputs', actual: got.lse, expected: ref.lse, tolerance: tol.lse },
        );
      }
      return checkOutputs(parts);
    },
    destroy() {
      for (const buffer of owned) buffer.destroy();
      state.destroy(); // the kernels are shared with the other cases of this configuration
    },
  };
}

/** Correctness only (`timed: false`): forward and backward on `s`, every output compared in full. */
function fullCase(s: FullShape, storage: Storage = 'f32', seed = 1): KernelBenchCase {
  const pad = s.padEvery ? ` pad every ${s.padEvery}` : '';
  return {
    kernel: storage === 'f16' ? 'attention-f16' : 'attention',
    shape: `T${s.T} H${s.H} D${s.D} ${s.causal ? 'causal' : 'non-causal'}${pad}${s.gpuTuning ? ' gpu tuning' : ''}`,
    quick: false,
    timed: false,
    ...(storage === 'f16' ? { requires: 'f16' as const } : {}),
    setup: (gpu) => fullRun(gpu, s, storage, seed),
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
  fullCase({ T: 100, H: 2, D: 16, causal: true, padEvery: 0 }),
  fullCase({ T: 1024, H: 2, D: 16, causal: true, padEvery: 0 }),
  fullCase({ T: 333, H: 2, D: 16, causal: true, padEvery: 7 }),
  fullCase({ T: 256, H: 1, D: 32, causal: false, padEvery: 0 }),
  fullCase({ T: 301, H: 1, D: 32, causal: false, padEvery: 5 }),
  fullCase({ T: 77, H: 4, D: 64, causal: true, padEvery: 9 }),
  fullCase({ T: 333, H: 2, D: 32, causal: true, padEvery: 7, gpuTuning: true }),
  fullCase({ T: 64, H: 2, D: 32, causal: true, padEvery: 0, gpuTuning: true }),
  // D = 8 keeps llvmpipe's first compile of the f16 variants short; padded rows and a length that
  // is not a multiple of the row groups exercise the masks and edges.
  fullCase({ T: 203, H: 2, D: 8, causal: true, padEvery: 7 }, 'f16', 5),
];
export default cases;
