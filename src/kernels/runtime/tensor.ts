// A small tensor handle: a pooled GPU buffer with its shape and dtype (f32, or f16 where the
// adapter has `shader-f16`), plus upload and read-back helpers. Row-major, no strides.
import { readBytes } from './buffers.ts';
import type { Gpu } from './device.ts';
import { MissingFeatureError, ShapeError } from './errors.ts';
import { fromF16Array, toF16Array } from './half.ts';

export type DType = 'f32' | 'f16';

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { f32: 4, f16: 2 };

export interface Tensor {
  readonly buffer: GPUBuffer;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements (product of the shape). */
  readonly size: number;
  /** Bytes the elements occupy (the buffer may be larger: pool size class, 4-byte rounding). */
  readonly byteLength: number;
  /** Gives the buffer back to the pool; the tensor must not be used afterwards. */
  release(): void;
}

/** Elements in `shape`; every dimension must be a non-negative integer. */
export function shapeSize(shape: readonly number[], what = 'tensor'): number {
  let size = 1;
  for (const [i, d] of shape.entries()) {
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(`${what} shape [${shape.join(', ')}]: dimension ${i} is ${d}, expected an integer >= 0`);
    size *= d;
  }
  return size;
}

function checkDType(gpu: Gpu, dtype: DType): void {
  if (dtype === 'f16' && !gpu.hasF16) throw new MissingFeatureError('shader-f16', 'an f16 tensor');
}

/** An uninitialised tensor from the device's buffer pool (contents are whatever was there). */
export function emptyTensor(gpu: Gpu, shape: readonly number[], dtype: DType = 'f32', label = 'tensor'): Tensor {
  checkDType(gpu, dtype);
  const size = shapeSize(shape, label);
  const byteLength = size * BYTES_PER_ELEMENT[dtype];
  const limit = gpu.adapter.limits['maxStorageBufferBindingSize'] ?? Number.POSITIVE_INFINITY;
  if (byteLength > limit) {
    throw new ShapeError(
      `${label} shape [${shape.join(', ')}] ${dtype} needs ${byteLength} bytes, ` +
        `over maxStorageBufferBindingSize ${limit}`,
    );
  }
  const buffer = gpu.pool.acquire(Math.max(4, byteLength), undefined, label);
  let released = false;
  return {
    buffer,
    shape: [...shape],
    dtype,
    size,
    byteLength,
    release() {
      if (released) return;
      released = true;
      gpu.pool.release(buffer);
    },
  };
}

/** A zero-filled tensor (cleared on the GPU queue). */
export function zerosTensor(gpu: Gpu, shape: readonly number[], dtype: DType = 'f32', label = 'zeros'): Tensor {
  const t = emptyTensor(gpu, shape, dtype, label);
  const encoder = gpu.device.createCommandEncoder();
  encoder.clearBuffer(t.buffer);
  gpu.device.queue.submit([encoder.finish()]);
  return t;
}

/** A tensor holding `data` (converted to `dtype`); data.length must equal the shape's size. */
export function tensorFromArray(
  gpu: Gpu,
  data: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType = 'f32',
  label = 'tensor',
): Tensor {
  const t = emptyTensor(gpu, shape, dtype, label);
  if (data.length !== t.size) {
    t.release();
    throw new ShapeError(
      `${label}: ${data.length} values do not fill shape [${shape.join(', ')}] (${t.size} elements)`,
    );
  }
  const bytes = dtype === 'f32' ? Float32Array.from(data) : toF16Array(data);
  // writeBuffer needs a multiple of 4 bytes: pad an odd-length f16 array with one element.
  const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  padded.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  gpu.device.queue.writeBuffer(t.buffer, 0, padded);
  return t;
}

/** The tensor's values as f32 on the host (f16 widened exactly); waits for queued GPU work. */
export async function readTensor(gpu: Gpu, t: Tensor): Promise<Float32Array> {
  const raw = await readBytes(gpu, t.buffer, Math.ceil(t.byteLength / 4) * 4);
  return t.dtype === 'f32' ? new Float32Array(raw, 0, t.size) : fromF16Array(new Uint16Array(raw, 0, t.size));
}
