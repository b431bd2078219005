// Moving f32 data between host and GPU: storage buffers from typed arrays, and read-back.
import type { Gpu } from './device.ts';
import { toF16Array } from './half.ts';
import { MapMode, READBACK_USAGE, STORAGE_USAGE } from './usage.ts';

/** A storage buffer holding `data` (rounded up to 4 bytes; WebGPU needs ≥ 4 bytes). */
export function uploadF32(gpu: Gpu, data: Float32Array, label = 'f32'): GPUBuffer {
  const buffer = gpu.device.createBuffer({
    label,
    size: Math.max(4, data.byteLength),
    usage: STORAGE_USAGE,
    mappedAtCreation: true,
  });
  new Float32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

/**
 * A storage buffer holding `data` rounded to f16 (nearest, ties to even), for kernels with f16
 * storage; the size is rounded up to 4 bytes.
 */
export function uploadF16(gpu: Gpu, data: ArrayLike<number>, label = 'f16'): GPUBuffer {
  const buffer = gpu.device.createBuffer({
    label,
    size: Math.max(4, Math.ceil(data.length / 2) * 4),
    usage: STORAGE_USAGE,
    mappedAtCreation: true,
  });
  new Uint16Array(buffer.getMappedRange()).set(toF16Array(data));
  buffer.unmap();
  return buffer;
}

/** A zero-filled storage buffer of `count` f32 values. */
export function zerosF32(gpu: Gpu, count: number, label = 'zeros'): GPUBuffer {
  return gpu.device.createBuffer({ label, size: Math.max(4, count * 4), usage: STORAGE_USAGE });
}

/** Copies `count` f32 values (from `offset` elements) back to the host; waits for the GPU. */
export async function readF32(gpu: Gpu, buffer: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
  const bytes = Math.max(4, count * 4);
  const staging = gpu.device.createBuffer({ size: bytes, usage: READBACK_USAGE });
  const encoder = gpu.device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, offset * 4, staging, 0, bytes);
  gpu.device.queue.submit([encoder.finish()]);
  await staging.mapAsync(MapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0, count * 4));
  staging.unmap();
  staging.destroy();
  return out;
}

/** Copies `byteLength` raw bytes (from `byteOffset`, both multiples of 4) back to the host; waits. */
export async function readBytes(gpu: Gpu, buffer: GPUBuffer, byteLength: number, byteOffset = 0): Promise<ArrayBuffer> {
  const size = Math.max(4, Math.ceil(byteLength / 4) * 4);
  const staging = gpu.device.createBuffer({ size, usage: READBACK_USAGE });
  const encoder = gpu.device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, byteOffset, staging, 0, size);
  gpu.device.queue.submit([encoder.finish()]);
  await staging.mapAsync(MapMode.READ);
  const out = staging.getMappedRange().slice(0, byteLength);
  staging.unmap();
  staging.destroy();
  return out;
}
