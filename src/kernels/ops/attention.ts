// Blockwise (flash-style) multi-head attention on WebGPU: the block API the ring drives, and full
// attention built from it. WGSL in shaders/attention-forward.wgsl and shaders/attention-backward.wgsl.
//
// ## Block API (kernels → ring)
// Layout: every Q/K/V/O/dO/dQ/dK/dV block is a GPUBuffer of f32, row-major `[rows, H, D]` (Q, K, V
// of f16 with `storage: 'f16'`).
// Positions: a GPUBuffer of u32 `[rows]`, each row's absolute sequence position;
// `PAD_POSITION = 0xffffffff` marks a padded row, masked as query and as key (a padded query row
// gets O = 0). Causal mask: key position <= query position. Positions need not be contiguous or
// sorted (zigzag and striped layouts work); key blocks whose positions are sorted ascending skip
// fully masked key chunks cheaply.
// Running state of a Q block (`AttentionState`, opaque to callers): m `[rows, H]` (running max, in
// log2 units: score·scale·log2 e), l `[rows, H]`, acc `[rows, H, D]`. `lse [rows, H]` is the
// natural-log log-sum-exp of the scaled scores (−1e30 for a row that saw no unmasked key).
// Softmax scale defaults to 1/sqrt(D).
//
// Every `encode*` records into a caller-provided GPUCommandEncoder (the caller submits), so a ring can
// batch many block dispatches per submit. Each dispatch gets its own (cached, immutable) uniform
// buffer, so many dispatches can share one submit. Optional `qOffset`/`kOffset` (rows) address a
// sub-block inside a larger buffer (applies to every per-row buffer of that side: q, qPos, state,
// dO, lse, delta, dq — or k, v, kPos, dk, dv).
//
//   const attn = await createAttentionKernels(gpu, { heads, headDim, causal });  // compiles pipelines
//   const state = attn.createState(rows);                    // m=-1e30 (stands for −∞), l=0, acc=0
//   attn.encodeFold(encoder, { q, qPos, qRows, k, v, kPos, kRows, state });  // fold one K/V block in
//   attn.encodeFinalize(encoder, { state, o, lse });         // o = acc/l, lse = (m + log2 l)·ln 2
//   attn.encodeBackwardPrep(encoder, { o, dO, rows, delta }); // delta[r,h] = Σ_d dO·O
//   attn.encodeBackwardBlock(encoder, { q, qPos, qRows, k, v, kPos, kRows, dO, lse, delta, dq, dk, dv });
//                                                            // dq += …, dk += …, dv += … (accumulate)
//   const { o, lse } = await attn.forward({ q, k, v, T });   // full attention (positions 0..T-1)
//   const { dq, dk, dv } = await attn.backward({ q, k, v, o, lse, dO, T });
//
// Backward follows FlashAttention-2 (Dao 2023, alg. 2) without atomics: one pass owns keys (dK, dV),
// a second owns queries (dQ); both recompute P = exp(S·scale − lse).
import type { Gpu } from '../runtime/device.ts';
import { ShapeError } from '../runtime/errors.ts';
import { STORAGE_USAGE } from '../runtime/usage.ts';
import { encodeBackwardBlock, encodeBackwardPrep, encodeFinalize, encodeFold } from './attention-encode.ts';
import { createAttentionPipelines, type AttentionPipelines } from './attention-pipelines.ts';
import { attentionLimits, checkConfig, checkRows } from './attention-shapes.ts';
import type { AttentionConfig, AttentionKernels, AttentionState } from './attention-types.ts';

/** Position of a padded row (masked as query and key). */
export const PAD_POSITION = 0xffffffff;

/** Compiles the attention pipelines for one (heads, headDim, causal, scale). */
export async function createAttentionKernels(gpu: Gpu, config: AttentionConfig): Promise<AttentionKernels> {
  const full: Required<AttentionConfig> = { scale: 1 / Math.sqrt(config.headDim), storage: 'f32', ...config };
  checkConfig(gpu, full);
  const pipelines = await createAttentionPipelines(gpu, full);
  return makeKernels(gpu, full, pipelines);
}

function makeKernels(gpu: Gpu, config: Required<AttentionConfig>, p: AttentionPipelines): AttentionKernels {
  const { heads: H, headDim: D } = config;
  const limits = attentionLimits(gpu, config, p.workgroupSize);
  const positionsCache = new Map<number, GPUBuffer>();
  const states = new Set<AttentionState>();
  const kernels: AttentionKernels = {
    config,
    tuning: { workgroupSize: p.workgroupSize, rows: p.rows },
    createState: (rows) => createState(gpu, config, rows, states),
    encodeFold: (encoder, args) => encodeFold(gpu, p, limits, encoder, args),
    encodeFinalize: (encoder, args) => encodeFinalize(gpu, p, limits, encoder, args),
    encodeBackwardPrep: (encoder, args) => encodeBackwardPrep(gpu, p, limits, encoder, args),
    encodeBackwardBlock: (encoder, args) => encodeBackwardBlock(gpu, p, limits, encoder, args),
    positions(T) {
      let buf = positionsCache.get(T);
      if (!buf) {
        buf = uploadU32(
          gpu,
          Uint32Array.from({ length: T }, (_, i) => i),
          `attention positions T${T}`,
        );
        positionsCache.set(T, buf);
      }
      return buf;
    },
    encodeForward(encoder, a) {
      const pos = a.positions ?? kernels.positions(a.T);
      a.state.encodeReset(encoder);
      kernels.encodeFold(encoder, {
        q: a.q,
        qPos: pos,
        qRows: a.T,
        k: a.k,
        v: a.v,
        kPos: pos,
        kRows: a.T,
        state: a.state,
      });
      kernels.encodeFinalize(encoder, { state: a.state, o: a.o, lse: a.lse });
    },
    encodeBackward(encoder, a) {
      const pos = a.positions ?? kernels.positions(a.T);
      kernels.encodeBackwardPrep(encoder, { o: a.o, dO: a.dO, rows: a.T, delta: a.delta });
      kernels.encodeBackwardBlock(encoder, {
        q: a.q,
        qPos: pos,
        qRows: a.T,
        k: a.k,
        v: a.v,
        kPos: pos,
        kRows: a.T,
        dO: a.dO,
        lse: a.lse,
        delta: a.delta,
        dq: a.dq,
        dk: a.dk,
        dv: a.dv,
      });
    },
    async forward(a) {
      checkRows(limits, 'forward T', a.T);
      const state = createState(gpu, config, a.T, states);
      const o = storage(gpu, a.T * H * D, 'attention o');
      const lse = storage(gpu, a.T * H, 'attention lse');
      const encoder = gpu.device.createCommandEncoder();
      kernels.encodeForward(encoder, { ...a, o, lse, state });
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
      state.destroy();
      return { o, lse };
    },
    async backward(a) {
      checkRows(limits, 'backward T', a.T);
      const delta = storage(gpu, a.T * H, 'attention delta');
      const dq = storage(gpu, a.T * H * D, 'attention dq');
      const dk = storage(gpu, a.T * H * D, 'attention dk');
      const dv = storage(gpu, a.T * H * D, 'attention dv');
      const encoder = gpu.device.createCommandEncoder();
      kernels.encodeBackward(encoder, { ...a, delta, dq, dk, dv });
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
      delta.destroy();
      return { dq, dk, dv };
    },
    destroy() {
      for (const buffer of positionsCache.values()) buffer.destroy();
      positionsCache.clear();
      for (const state of [...states]) state.destroy();
      p.destroy();
    },
  };
  return kernels;
}

function storage(gpu: Gpu, count: number, label: string): GPUBuffer {
  return gpu.device.createBuffer({ label, size: Math.max(4, count * 4), usage: STORAGE_USAGE });
}

/** A storage buffer holding u32 data (positions). */
export function uploadU32(gpu: Gpu, data: Uint32Array, label = 'u32'): GPUBuffer {
  const buffer = gpu.device.createBuffer({
    label,
    size: Math.max(4, data.byteLength),
    usage: STORAGE_USAGE,
    mappedAtCreation: true,
  });
  new Uint32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

const NEG_INF_F32 = -1e30; // stands for −∞ in m and lse (finite: WGSL may assume finite math)

/** A fresh state, tracked in `live` until destroyed (so the kernels' destroy() can free it). */
function createState(
  gpu: Gpu,
  config: Required<AttentionConfig>,
  rows: number,
  live: Set<AttentionState>,
): AttentionState {
  if (!Number.isInteger(rows) || rows < 1)
    throw new ShapeError(`attention state rows must be a positive integer, got ${rows}`);
  const { heads: H, headDim: D } = config;
  const m = storage(gpu, rows * H, 'attention m');
  const l = storage(gpu, rows * H, 'attention l');
  const acc = storage(gpu, rows * H * D, 'attention acc');
  // m's −∞ lives in a constant buffer so a reset is ordered with the encoder's other commands
  // (queue.writeBuffer would run before the whole submit).
  const mInit = gpu.device.createBuffer({
    label: 'attention m init',
    size: m.size,
    usage: STORAGE_USAGE,
    mappedAtCreation: true,
  });
  new Float32Array(mInit.getMappedRange()).fill(NEG_INF_F32);
  mInit.unmap();
  const state: AttentionState = {
    rows,
    m,
    l,
    acc,
    encodeReset(encoder) {
      encoder.copyBufferToBuffer(mInit, 0, m, 0, m.size);
      encoder.clearBuffer(l);
      encoder.clearBuffer(acc);
    },
    destroy() {
      for (const b of [m, l, acc, mInit]) b.destroy();
      live.delete(state);
    },
  };
  live.add(state);
  const encoder = gpu.device.createCommandEncoder();
  state.encodeReset(encoder);
  gpu.device.queue.submit([encoder.finish()]);
  return state;
}
