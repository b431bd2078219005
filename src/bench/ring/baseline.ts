// The single-device blockwise kernel on the same work as the ring (one Q block against all keys),
// for the ring-overhead figure and as the T = 8,760 comparison for the ring's results.
import { createAttentionKernels, readF32, STORAGE_USAGE, uploadF32, type Gpu } from '../../kernels/index.ts';
import type { RingInputs } from '../../ring/index.ts';

export interface SingleDevice {
  /** Bytes of the buffers the single-device run allocates (inputs, outputs, state, grads). */
  readonly bytes: number;
  /** One full forward; host ms from encoding to onSubmittedWorkDone. */
  readonly forward: () => Promise<number>;
  /** One full backward (dq, dk, dv cleared first); host ms. */
  readonly backward: () => Promise<number>;
  read(): Promise<{ o: Float32Array; lse: Float32Array; dq: Float32Array; dk: Float32Array; dv: Float32Array }>;
  destroy(): void;
}

export interface SingleDeviceShape {
  readonly seqLen: number;
  readonly heads: number;
  readonly headDim: number;
  readonly causal: boolean;
}

async function timed(gpu: Gpu, encode: (encoder: GPUCommandEncoder) => void): Promise<number> {
  const t0 = performance.now();
  const encoder = gpu.device.createCommandEncoder({ label: 'single-device attention' });
  encode(encoder);
  gpu.device.queue.submit([encoder.finish()]);
  await gpu.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

export async function createSingleDevice(
  gpu: Gpu,
  s: SingleDeviceShape,
  x: RingInputs & { readonly dO: Float32Array },
): Promise<SingleDevice> {
  const attn = await createAttentionKernels(gpu, { heads: s.heads, headDim: s.headDim, causal: s.causal });
  const T = s.seqLen;
  const n = T * s.heads * s.headDim;
  const zeros = (count: number, label: string): GPUBuffer =>
    gpu.device.createBuffer({ label, size: Math.max(4, count * 4), usage: STORAGE_USAGE });
  const q = uploadF32(gpu, x.q, 'single q');
  const k = uploadF32(gpu, x.k, 'single k');
  const v = uploadF32(gpu, x.v, 'single v');
  const dO = uploadF32(gpu, x.dO, 'single dO');
  const o = zeros(n, 'single o');
  const lse = zeros(T * s.heads, 'single lse');
  const delta = zeros(T * s.heads, 'single delta');
  const dq = zeros(n, 'single dq');
  const dk = zeros(n, 'single dk');
  const dv = zeros(n, 'single dv');
  const state = attn.createState(T);
  const buffers = [q, k, v, dO, o, lse, delta, dq, dk, dv];
  const bytes = buffers.reduce((sum, b) => sum + b.size, 0) + 2 * state.m.size + state.l.size + state.acc.size + T * 4;
  return {
    bytes,
    forward: () => timed(gpu, (e) => attn.encodeForward(e, { q, k, v, T, o, lse, state })),
    backward: () =>
      timed(gpu, (e) => {
        for (const g of [dq, dk, dv]) e.clearBuffer(g);
        attn.encodeBackward(e, { q, k, v, T, o, lse, dO, dq, dk, dv, delta });
      }),
    read: async () => ({
      o: await readF32(gpu, o, n),
      lse: await readF32(gpu, lse, T * s.heads),
      dq: await readF32(gpu, dq, n),
      dk: await readF32(gpu, dk, n),
      dv: await readF32(gpu, dv, n),
    }),
    destroy() {
      for (const b of buffers) b.destroy();
      state.destroy();
    },
  };
}
