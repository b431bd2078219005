// Inputs shared by the attention tests: seeded random tensors, position layouts, and GPU helpers.
import { seededF32 } from '../../src/core/index.ts';
import { PAD_POSITION, readF32, uploadF32, uploadU32, type Gpu } from '../../src/kernels/index.ts';

/** Positions 0..T-1, with every row where `padEvery` divides (i+1) replaced by PAD. */
export function positionsWithPadding(T: number, padEvery = 0): Uint32Array {
  return Uint32Array.from({ length: T }, (_, i) => (padEvery > 0 && (i + 1) % padEvery === 0 ? PAD_POSITION : i));
}

export interface AttentionCase {
  readonly T: number;
  readonly H: number;
  readonly D: number;
  readonly causal: boolean;
  readonly padEvery: number;
}

export function describeCase(c: AttentionCase): string {
  const pad = c.padEvery ? ` pad every ${c.padEvery}` : '';
  return `T=${c.T} H=${c.H} D=${c.D} ${c.causal ? 'causal' : 'non-causal'}${pad}`;
}

export interface CaseData {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly dO: Float32Array;
  readonly pos: Uint32Array;
}

export function caseData(c: AttentionCase, seed = 1): CaseData {
  const n = c.T * c.H * c.D;
  return {
    q: seededF32(n, seed),
    k: seededF32(n, seed + 1),
    v: seededF32(n, seed + 2),
    dO: seededF32(n, seed + 3),
    pos: positionsWithPadding(c.T, c.padEvery),
  };
}

/** Uploads tensors; returns the buffers and a disposer. */
export function upload(
  gpu: Gpu,
  data: Readonly<Record<string, Float32Array | Uint32Array>>,
): { b: Record<string, GPUBuffer>; destroy(): void } {
  const b: Record<string, GPUBuffer> = {};
  for (const [name, arr] of Object.entries(data))
    b[name] = arr instanceof Uint32Array ? uploadU32(gpu, arr, name) : uploadF32(gpu, arr, name);
  return {
    b,
    destroy: () => {
      for (const x of Object.values(b)) x.destroy();
    },
  };
}

export function read(gpu: Gpu, buffer: GPUBuffer, count: number): Promise<Float32Array> {
  return readF32(gpu, buffer, count);
}

/** Rows [start, end) of a `[rows, inner]` f32 array. */
export function rowsF32(a: Float32Array, start: number, end: number, inner: number): Float32Array {
  return a.slice(start * inner, end * inner);
}

export function rowsU32(a: Uint32Array, start: number, end: number): Uint32Array {
  return a.slice(start, end);
}
