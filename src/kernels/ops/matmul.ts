// Batched f32 matmul on the GPU: C[b] = op(A[b])·op(B[b]) with op = identity or transpose.
// createMatmul() validates a shape against the adapter's limits and compiles once; encode()
// records into a caller's GPUCommandEncoder (so many dispatches share one submit); matmul() is
// the one-call convenience on tensors. Kernel design: shaders/matmul.wgsl.
//
//   const mm = await createMatmul(gpu, { M, N, K, batch: 4, transB: true });
//   mm.encode(encoder, { a, b, c });   // a: [4, M, K], b: [4, N, K], c: [4, M, N] f32 buffers
//   const c = await matmul(gpu, aTensor, bTensor, { transB: true });
import { isCpuAdapter, type Gpu } from '../runtime/device.ts';
import { MissingFeatureError, ShapeError } from '../runtime/errors.ts';
import { emptyTensor, type Tensor } from '../runtime/tensor.ts';
import { createPack, packedBytes, type Pack, type PackSpec } from './matmul-pack.ts';
import { encodePass } from '../runtime/op-support.ts';
import { paramStruct, UniformCache } from '../runtime/uniforms.ts';

const TILED_FIELDS = [
  ['M', 'u32'],
  ['N', 'u32'],
  ['K', 'u32'],
  ['N4', 'u32'],
  ['a_row', 'u32'],
  ['a_col', 'u32'],
  ['a_batch', 'u32'],
  ['b_batch4', 'u32'],
  ['c_batch', 'u32'],
] as const;
export const MATMUL_PARAMS = paramStruct('matmul', 'MatmulParams', TILED_FIELDS);
export const MATMUL_F16_PARAMS = paramStruct('matmul-f16', 'MatmulParams', TILED_FIELDS);
export const MATMUL_SUBGROUP_PARAMS = paramStruct('matmul-subgroup', 'MatmulParams', [
  ['M', 'u32'],
  ['N', 'u32'],
  ['K', 'u32'],
  ['N4', 'u32'],
  ['MP2', 'u32'],
  ['a_batch2', 'u32'],
  ['b_batch4', 'u32'],
  ['c_batch', 'u32'],
]);

export interface MatmulShape {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** Independent products in one dispatch (default 1). */
  readonly batch?: number;
  /** A is stored [K, M] and used transposed. */
  readonly transA?: boolean;
  /** B is stored [N, K] and used transposed. */
  readonly transB?: boolean;
  /** Elements between batches of A (default M·K; 0 = the same A for every batch). */
  readonly batchStrideA?: number;
  /** Elements between batches of B (default K·N; 0 = the same B for every batch). */
  readonly batchStrideB?: number;
}

export type ResolvedMatmulShape = Required<MatmulShape>;

export interface MatmulBuffers {
  /** f32 (f16 with storage 'f16'), at least batchStrideA·(batch−1) + M·K elements. */
  readonly a: GPUBuffer;
  readonly b: GPUBuffer;
  /** f32 [batch, M, N] row-major; fully overwritten. */
  readonly c: GPUBuffer;
}

export interface MatmulKernel {
  readonly shape: ResolvedMatmulShape;
  readonly variant: MatmulVariant;
  /** Element type of A and B: f32, or f16 (accumulated and written as f32: matmul-f16.wgsl). */
  readonly storage: MatmulStorage;
  /** Multiply-adds × 2 of one encode(): 2·batch·M·N·K. */
  readonly flops: number;
  /** GPU bytes this kernel holds (uniforms, packed-B scratch). */
  readonly allocatedBytes: number;
  /** Records C = op(A)·op(B); the caller submits. */
  encode(encoder: GPUCommandEncoder, buffers: MatmulBuffers): void;
  destroy(): void;
}

/** Rows and vec4 columns one invocation computes (fixed by the shader's 8×(2·vec4) block). */
const ROWS_PER_THREAD = 8;
const VEC4_PER_THREAD = 2;

/**
 * Kernel variants: `tiled` (shaders/matmul.wgsl: 8×8 block per invocation, runs anywhere) and
 * `subgroup` (shaders/matmul-subgroup.wgsl: B loads shared through subgroupBroadcast; needs
 * subgroups of ≥ 8 invocations; the default on CPU adapters, where it measured ~1.3× faster).
 */
export type MatmulVariant = 'tiled' | 'subgroup';

/** Element type A and B are stored in; C is f32 either way. */
export type MatmulStorage = 'f32' | 'f16';

const ELEMENT_BYTES: Readonly<Record<MatmulStorage, number>> = { f32: 4, f16: 2 };

/** Variants this adapter can run (subgroup needs every subgroup size it may use to be ≥ 8). */
export function matmulVariants(gpu: Gpu): MatmulVariant[] {
  const sizes = gpu.adapter.subgroupSizes;
  return gpu.hasSubgroups && sizes.length > 0 && Math.min(...sizes) >= 8 ? ['tiled', 'subgroup'] : ['tiled'];
}

function chooseVariant(gpu: Gpu, wanted: MatmulVariant | undefined, storage: MatmulStorage): MatmulVariant {
  if (storage === 'f16') {
    if (!gpu.hasF16) throw new MissingFeatureError('shader-f16', 'matmul with f16 storage');
    if (wanted === 'subgroup') throw new ShapeError("matmul with f16 storage has the 'tiled' variant only");
    return 'tiled';
  }
  const available = matmulVariants(gpu);
  if (wanted && !available.includes(wanted)) {
    throw new MissingFeatureError('subgroups', `matmul variant '${wanted}' (subgroups of at least 8 invocations)`);
  }
  return wanted ?? (isCpuAdapter(gpu.adapter) && available.includes('subgroup') ? 'subgroup' : 'tiled');
}

interface VariantPlan {
  readonly shader: string;
  readonly overrides: Readonly<Record<string, number>>;
  /** Rows and vec4 columns of C one workgroup computes. */
  readonly blockRows: number;
  readonly blockVec4: number;
}

/** Workgroup shape: 8 lanes along n suit llvmpipe's 8-wide SIMD; 16×4 = 64 lanes suit GPUs. */
function planVariant(gpu: Gpu, variant: MatmulVariant, storage: MatmulStorage): VariantPlan {
  if (variant === 'subgroup') return { shader: 'matmul-subgroup', overrides: {}, blockRows: 16, blockVec4: 8 };
  const wg = isCpuAdapter(gpu.adapter) ? { WG_X: 8, WG_Y: 1 } : { WG_X: 16, WG_Y: 4 };
  return {
    shader: storage === 'f16' ? 'matmul-f16' : 'matmul',
    overrides: wg,
    blockRows: ROWS_PER_THREAD * wg.WG_Y,
    blockVec4: VEC4_PER_THREAD * wg.WG_X,
  };
}

function positiveInt(value: number, field: string, shape: MatmulShape): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ShapeError(`matmul ${field} = ${value} must be a positive integer (shape ${describeShape(shape)})`);
  }
}

export function describeShape(s: MatmulShape): string {
  const a = s.transA ? `Aᵀ[${s.K}x${s.M}]` : `A[${s.M}x${s.K}]`;
  const b = s.transB ? `Bᵀ[${s.N}x${s.K}]` : `B[${s.K}x${s.N}]`;
  return `${s.batch ?? 1}×(${a}·${b})`;
}

/** Fills defaults and checks every dimension is a positive integer. */
export function resolveMatmulShape(shape: MatmulShape): ResolvedMatmulShape {
  const r: ResolvedMatmulShape = {
    M: shape.M,
    N: shape.N,
    K: shape.K,
    batch: shape.batch ?? 1,
    transA: shape.transA ?? false,
    transB: shape.transB ?? false,
    batchStrideA: shape.batchStrideA ?? shape.M * shape.K,
    batchStrideB: shape.batchStrideB ?? shape.K * shape.N,
  };
  for (const field of ['M', 'N', 'K', 'batch'] as const) positiveInt(r[field], field, r);
  for (const field of ['batchStrideA', 'batchStrideB'] as const) {
    if (!Number.isInteger(r[field]) || r[field] < 0) {
      throw new ShapeError(`matmul ${field} = ${r[field]} must be an integer >= 0 (shape ${describeShape(r)})`);
    }
  }
  return r;
}

/** Elements each operand must hold. */
export function matmulExtents(s: ResolvedMatmulShape): { a: number; b: number; c: number } {
  return {
    a: s.batchStrideA * (s.batch - 1) + s.M * s.K,
    b: s.batchStrideB * (s.batch - 1) + s.K * s.N,
    c: s.batch * s.M * s.N,
  };
}

/** B can be read in place as vec4 rows only when it is [K, N] with N and its batch stride multiples of 4. */
function bIsPacked(s: ResolvedMatmulShape): boolean {
  return !s.transB && s.N % 4 === 0 && s.batchStrideB % 4 === 0;
}

function checkLimits(
  gpu: Gpu,
  s: ResolvedMatmulShape,
  grid: readonly number[],
  packed: Readonly<Record<string, number>>,
  storage: MatmulStorage,
): void {
  const maxGroups = gpu.adapter.limits['maxComputeWorkgroupsPerDimension'] ?? 65535;
  const axes = ['x (columns)', 'y (rows)', 'z (batch)'];
  grid.forEach((groups, i) => {
    if (groups > maxGroups) {
      throw new ShapeError(
        `matmul ${describeShape(s)} needs ${groups} workgroups along ${axes[i]}, ` +
          `over maxComputeWorkgroupsPerDimension ${maxGroups}`,
      );
    }
  });
  const maxBinding = gpu.adapter.limits['maxStorageBufferBindingSize'] ?? Number.POSITIVE_INFINITY;
  const ext = matmulExtents(s);
  const e = ELEMENT_BYTES[storage];
  const sizes = { A: ext.a * e, B: ext.b * e, C: ext.c * 4, ...packed };
  for (const [name, bytes] of Object.entries(sizes)) {
    if (bytes > maxBinding) {
      throw new ShapeError(
        `matmul ${describeShape(s)}: ${name} needs ${bytes} bytes, over maxStorageBufferBindingSize ${maxBinding}`,
      );
    }
  }
}

function checkBuffer(
  name: string,
  buffer: GPUBuffer,
  elements: number,
  s: ResolvedMatmulShape,
  element: MatmulStorage = 'f32',
): void {
  const bytes = elements * ELEMENT_BYTES[element];
  if (buffer.size < bytes) {
    throw new ShapeError(
      `matmul ${describeShape(s)}: buffer ${name} holds ${buffer.size} bytes, needs ${bytes} (${elements} ${element})`,
    );
  }
}

/** Source layout of B as a [K, N] matrix, for packing. */
function bSpec(s: ResolvedMatmulShape): PackSpec {
  return {
    rows: s.K,
    cols: s.N,
    rowStride: s.transB ? 1 : s.N,
    colStride: s.transB ? s.K : 1,
    batchStride: s.batchStrideB,
    batch: s.batch,
  };
}

/** Source layout of Aᵀ as a [K, M] matrix, for packing (the subgroup kernel reads Aᵀ rows). */
function aTSpec(s: ResolvedMatmulShape): PackSpec {
  return {
    rows: s.K,
    cols: s.M,
    rowStride: s.transA ? s.M : 1,
    colStride: s.transA ? 1 : s.K,
    batchStride: s.batchStrideA,
    batch: s.batch,
  };
}

interface Operands {
  readonly packA: Pack | undefined;
  readonly packB: Pack | undefined;
  readonly params: GPUBuffer;
}

/** Packs what the variant needs and writes the kernel's uniforms into its own cache (typed by the shader's struct). */
async function prepareOperands(
  gpu: Gpu,
  uniforms: UniformCache,
  s: ResolvedMatmulShape,
  variant: MatmulVariant,
  storage: MatmulStorage,
): Promise<Operands> {
  const N4 = Math.ceil(s.N / 4);
  const packB = bIsPacked(s) ? undefined : await createPack(gpu, bSpec(s), 'matmul packed B', storage);
  const b_batch4 = packB ? packB.batchVec4 : s.batchStrideB / 4;
  const common = { M: s.M, N: s.N, K: s.K, N4, b_batch4, c_batch: s.M * s.N };
  if (variant === 'subgroup') {
    const packA = await createPack(gpu, aTSpec(s), 'matmul packed Aᵀ');
    const sub = { MP2: packA.cols4 * 2, a_batch2: packA.batchVec4 * 2 };
    return { packA, packB, params: uniforms.buffer(MATMUL_SUBGROUP_PARAMS, { ...common, ...sub }) };
  }
  const a = { a_row: s.transA ? 1 : s.K, a_col: s.transA ? s.M : 1, a_batch: s.batchStrideA };
  const struct = storage === 'f16' ? MATMUL_F16_PARAMS : MATMUL_PARAMS;
  return { packA: undefined, packB, params: uniforms.buffer(struct, { ...common, ...a }) };
}

/** Bytes of the packed copies a variant will allocate (checked against the binding limit first). */
function packedSizes(s: ResolvedMatmulShape, variant: MatmulVariant, storage: MatmulStorage): Record<string, number> {
  const sizes: Record<string, number> = {};
  if (!bIsPacked(s)) sizes['packed B'] = packedBytes(bSpec(s), storage);
  if (variant === 'subgroup') sizes['packed Aᵀ'] = packedBytes(aTSpec(s));
  return sizes;
}

/**
 * Compiles and sizes a matmul for `shape`; throws ShapeError when the adapter cannot run it and
 * MissingFeatureError when `variant` (or f16 `storage`) needs what the adapter lacks.
 */
export async function createMatmul(
  gpu: Gpu,
  shape: MatmulShape,
  options: { variant?: MatmulVariant; storage?: MatmulStorage } = {},
): Promise<MatmulKernel> {
  const s = resolveMatmulShape(shape);
  const storage = options.storage ?? 'f32';
  const variant = chooseVariant(gpu, options.variant, storage);
  const plan = planVariant(gpu, variant, storage);
  const grid = [Math.ceil(Math.ceil(s.N / 4) / plan.blockVec4), Math.ceil(s.M / plan.blockRows), s.batch] as const;
  checkLimits(gpu, s, grid, packedSizes(s, variant, storage), storage);
  // Owned by this kernel (freed by destroy()), so allocatedBytes counts its uniform.
  const uniforms = new UniformCache(gpu);
  const { packA, packB, params } = await prepareOperands(gpu, uniforms, s, variant, storage);
  const pipeline = await gpu.pipelines.pipeline(plan.shader, 'main', plan.overrides);
  const ext = matmulExtents(s);
  return {
    shape: s,
    variant,
    storage,
    flops: 2 * s.batch * s.M * s.N * s.K,
    allocatedBytes: params.size + (packA?.allocatedBytes ?? 0) + (packB?.allocatedBytes ?? 0),
    encode(encoder, { a, b, c }) {
      checkBuffer('a', a, ext.a, s, storage);
      checkBuffer('b', b, ext.b, s, storage);
      checkBuffer('c', c, ext.c, s);
      const bindings = [
        [0, params],
        [1, packA ? packA.scratch : a],
        [2, packB ? packB.scratch : b],
        [3, c],
      ] as const;
      const product = { pipeline, bindings, groups: grid };
      const packs = [packA?.dispatch(a), packB?.dispatch(b)].filter((d) => d !== undefined);
      encodePass(gpu, encoder, `matmul ${describeShape(s)}`, [...packs, product]);
    },
    destroy() {
      uniforms.destroy();
      packA?.destroy();
      packB?.destroy();
    },
  };
}

export interface MatmulOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
}

/** The trailing two dimensions and the batch of a [..., rows, cols] tensor. */
function matrixDims(t: Tensor, name: string): { batch: number; rows: number; cols: number } {
  if (t.shape.length < 2)
    throw new ShapeError(`matmul ${name}: shape [${t.shape.join(', ')}] needs at least 2 dimensions`);
  const rows = t.shape[t.shape.length - 2] ?? 0;
  const cols = t.shape[t.shape.length - 1] ?? 0;
  return { batch: t.size / Math.max(1, rows * cols), rows, cols };
}

/**
 * C = op(A)·op(B) for tensors [..., M, K]·[..., K, N] (batch dims flattened; a batch of 1 on
 * either side broadcasts). A and B are both f32 or both f16 (f16 storage, f32 accumulation).
 * Submits and waits; returns a new pooled f32 tensor [..., M, N].
 */
export async function matmul(gpu: Gpu, a: Tensor, b: Tensor, options: MatmulOptions = {}): Promise<Tensor> {
  if (a.dtype !== b.dtype) throw new ShapeError(`matmul A is ${a.dtype} and B is ${b.dtype}; expected the same dtype`);
  const da = matrixDims(a, 'A');
  const db = matrixDims(b, 'B');
  const [M, Ka] = options.transA ? [da.cols, da.rows] : [da.rows, da.cols];
  const [Kb, N] = options.transB ? [db.cols, db.rows] : [db.rows, db.cols];
  const batch = Math.max(da.batch, db.batch);
  if (Ka !== Kb || (da.batch !== db.batch && Math.min(da.batch, db.batch) !== 1)) {
    throw new ShapeError(
      `matmul shapes do not fit: A [${a.shape.join(', ')}]${options.transA ? 'ᵀ' : ''}` +
        ` · B [${b.shape.join(', ')}]${options.transB ? 'ᵀ' : ''}` +
        ` (inner ${Ka} vs ${Kb}, batch ${da.batch} vs ${db.batch})`,
    );
  }
  const kernel = await createMatmul(
    gpu,
    {
      M,
      N,
      K: Ka,
      batch,
      ...options,
      batchStrideA: da.batch === 1 ? 0 : M * Ka,
      batchStrideB: db.batch === 1 ? 0 : Ka * N,
    },
    { storage: a.dtype },
  );
  const outShape = [...(da.batch >= db.batch ? a.shape : b.shape).slice(0, -2), M, N];
  const c = emptyTensor(gpu, outShape, 'f32', 'matmul C');
  const encoder = gpu.device.createCommandEncoder();
  kernel.encode(encoder, { a: a.buffer, b: b.buffer, c: c.buffer });
  gpu.device.queue.submit([encoder.finish()]);
  await gpu.device.queue.onSubmittedWorkDone();
  kernel.destroy();
  return c;
}
