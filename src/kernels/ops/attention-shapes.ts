// Shape and limit checks for the attention kernels: every failure is a ShapeError naming the
// argument, its shape and the limit it breaks.
import type { Gpu } from '../runtime/device.ts';
import { MissingFeatureError, ShapeError } from '../runtime/errors.ts';
import type { AttentionConfig } from './attention-types.ts';

export const MAX_HEAD_DIM = 128;
/** Storage buffers the dK/dV pass binds (q, qPos, k, v, kPos, dO, lse, delta, dk, dv). */
export const STORAGE_BUFFERS_NEEDED = 10;

export interface AttentionLimits {
  readonly heads: number;
  readonly headDim: number;
  readonly maxBindingBytes: number;
  readonly maxWorkgroups: number;
  /** Invocations per workgroup of the row-parallel passes (finalize, prep: one row·head each). */
  readonly workgroupSize: number;
  /** Bytes of one Q, K or V element (4, or 2 with f16 storage). */
  readonly qkvBytes: number;
}

export function attentionLimits(gpu: Gpu, config: Required<AttentionConfig>, workgroupSize: number): AttentionLimits {
  return {
    heads: config.heads,
    headDim: config.headDim,
    maxBindingBytes: gpu.device.limits.maxStorageBufferBindingSize,
    maxWorkgroups: gpu.device.limits.maxComputeWorkgroupsPerDimension,
    workgroupSize,
    qkvBytes: config.storage === 'f16' ? 2 : 4,
  };
}

/** Rejects head counts, head dims and scales the kernels cannot run, and too-small devices. */
export function checkConfig(gpu: Gpu, c: Required<AttentionConfig>): void {
  if (!Number.isInteger(c.heads) || c.heads < 1)
    throw new ShapeError(`attention heads must be a positive integer, got ${c.heads}`);
  if (!Number.isInteger(c.headDim) || c.headDim % 4 !== 0 || c.headDim < 4 || c.headDim > MAX_HEAD_DIM) {
    throw new ShapeError(
      `attention headDim ${c.headDim} is unsupported: it must be a multiple of 4 in [4, ${MAX_HEAD_DIM}]`,
    );
  }
  if (!(Number.isFinite(c.scale) && c.scale > 0))
    throw new ShapeError(`attention scale must be a positive number, got ${c.scale}`);
  if (c.storage !== 'f32' && c.storage !== 'f16')
    throw new ShapeError(`attention storage must be 'f32' or 'f16', got '${String(c.storage)}'`);
  if (c.storage === 'f16' && !gpu.hasF16) throw new MissingFeatureError('shader-f16', 'attention with f16 storage');
  const maxWg = gpu.device.limits.maxComputeWorkgroupsPerDimension;
  if (c.heads > maxWg)
    throw new ShapeError(`attention heads ${c.heads} exceeds maxComputeWorkgroupsPerDimension ${maxWg}`);
  const buffers = gpu.device.limits.maxStorageBuffersPerShaderStage;
  if (buffers < STORAGE_BUFFERS_NEEDED) {
    throw new ShapeError(
      `attention backward binds ${STORAGE_BUFFERS_NEEDED} storage buffers; ` +
        `this device allows maxStorageBuffersPerShaderStage ${buffers}`,
    );
  }
}

/** A block of `rows` rows (plus `offset`) must fit one binding and the dispatch grid. */
export function checkRows(lim: AttentionLimits, what: string, rows: number, offset = 0): void {
  if (!Number.isInteger(rows) || rows < 1)
    throw new ShapeError(`attention ${what} must be a positive integer, got ${rows}`);
  if (!Number.isInteger(offset) || offset < 0)
    throw new ShapeError(`attention ${what} offset must be a non-negative integer, got ${offset}`);
  const bytes = (rows + offset) * lim.heads * lim.headDim * 4;
  if (bytes > lim.maxBindingBytes) {
    throw new ShapeError(
      `attention ${what}: [${rows + offset}, H=${lim.heads}, D=${lim.headDim}] f32 = ${bytes} bytes ` +
        `exceeds maxStorageBufferBindingSize ${lim.maxBindingBytes}`,
    );
  }
  const groups = Math.ceil((rows * lim.heads) / lim.workgroupSize);
  if (groups > lim.maxWorkgroups) {
    throw new ShapeError(
      `attention ${what}: ${rows} rows × ${lim.heads} heads needs ${groups} workgroups ` +
        `> maxComputeWorkgroupsPerDimension ${lim.maxWorkgroups}`,
    );
  }
}

/** `buffer` must hold `[rows + offset, ...inner]` elements of `bytes` bytes (4: f32 and u32, 2: f16). */
export function checkBuffer(
  what: string,
  name: string,
  buffer: GPUBuffer,
  rows: number,
  offset: number,
  inner: readonly number[],
  bytes = 4,
): void {
  const count = (rows + offset) * inner.reduce((a, b) => a * b, 1);
  if (buffer.size < count * bytes) {
    const shape = [`${offset ? `${offset}+` : ''}${rows}`, ...inner].join(', ');
    throw new ShapeError(
      `attention ${what}: ${name} has ${buffer.size} bytes, needs [${shape}] × ${bytes} = ${count * bytes} bytes`,
    );
  }
}
