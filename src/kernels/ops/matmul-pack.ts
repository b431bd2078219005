// Repacks a strided f32 matrix (any transpose, any batch stride) into the row-major vec4 layout
// the matmul kernels read: [batches, rows, ceil(cols/4)] vec4, zero-padded past `cols`.
// One `pack_b` dispatch of shaders/matmul.wgsl; O(rows·cols) next to the O(M·N·K) product.
import type { Gpu } from '../runtime/device.ts';
import type { DispatchSpec } from '../runtime/op-support.ts';
import { paramStruct, UniformCache } from '../runtime/uniforms.ts';

const PACK_FIELDS = [
  ['K', 'u32'],
  ['N', 'u32'],
  ['N4', 'u32'],
  ['b_row', 'u32'],
  ['b_col', 'u32'],
  ['b_batch', 'u32'],
  ['batches', 'u32'],
] as const;
export const MATMUL_PACK_PARAMS = paramStruct('matmul', 'PackParams', PACK_FIELDS);
export const MATMUL_F16_PACK_PARAMS = paramStruct('matmul-f16', 'PackParams', PACK_FIELDS);

const PACK_WORKGROUP = 64;

export interface PackSpec {
  /** Rows of the packed matrix (k for B and for Aᵀ). */
  readonly rows: number;
  /** Columns of the packed matrix (n for B, m for Aᵀ); padded up to a multiple of 4. */
  readonly cols: number;
  /** Source element stride between consecutive rows / columns. */
  readonly rowStride: number;
  readonly colStride: number;
  /** Source elements between batches; 0 = one matrix shared by every batch (packed once). */
  readonly batchStride: number;
  readonly batch: number;
}

export interface Pack {
  readonly scratch: GPUBuffer;
  /** vec4s per packed row, and between packed batches (0 when shared). */
  readonly cols4: number;
  readonly batchVec4: number;
  readonly allocatedBytes: number;
  /** The dispatch repacking `source` into `scratch` (recorded by the caller's encodePass). */
  dispatch(source: GPUBuffer): DispatchSpec;
  destroy(): void;
}

/** Bytes of one packed vec4 of f32 (matmul.wgsl) or of f16 (matmul-f16.wgsl). */
const VEC4_BYTES = { f32: 16, f16: 8 } as const;

/** Bytes the packed copy of `spec` occupies (for limit checks before allocating). */
export function packedBytes(spec: PackSpec, element: 'f32' | 'f16' = 'f32'): number {
  return (spec.batchStride === 0 ? 1 : spec.batch) * spec.rows * Math.ceil(spec.cols / 4) * VEC4_BYTES[element];
}

/** `element` f16 packs an f16 source with matmul-f16.wgsl's `pack_b` (same parameters). */
export async function createPack(
  gpu: Gpu,
  spec: PackSpec,
  label: string,
  element: 'f32' | 'f16' = 'f32',
): Promise<Pack> {
  const shader = element === 'f16' ? 'matmul-f16' : 'matmul';
  const cols4 = Math.ceil(spec.cols / 4);
  const batches = spec.batchStride === 0 ? 1 : spec.batch;
  // Owned by the pack (freed by destroy()), so its allocatedBytes counts it.
  const uniforms = new UniformCache(gpu);
  const params = uniforms.buffer(element === 'f16' ? MATMUL_F16_PACK_PARAMS : MATMUL_PACK_PARAMS, {
    K: spec.rows,
    N: spec.cols,
    N4: cols4,
    b_row: spec.rowStride,
    b_col: spec.colStride,
    b_batch: spec.batchStride,
    batches,
  });
  const pipeline = await gpu.pipelines.pipeline(shader, 'pack_b');
  const scratch = gpu.pool.acquire(packedBytes(spec, element), undefined, label);
  const total = Math.ceil((batches * spec.rows * cols4) / PACK_WORKGROUP);
  const gx = Math.min(total, gpu.adapter.limits['maxComputeWorkgroupsPerDimension'] ?? 65535);
  return {
    scratch,
    cols4,
    batchVec4: spec.batchStride === 0 ? 0 : spec.rows * cols4,
    allocatedBytes: scratch.size + params.size,
    dispatch: (source) => ({
      pipeline,
      bindings: [
        [0, params],
        [1, source],
        [2, scratch],
      ],
      groups: [gx, Math.ceil(total / gx)],
    }),
    destroy() {
      uniforms.destroy();
      gpu.pool.release(scratch);
    },
  };
}
