// The matmul kernel's cases: timed square sizes (the calibration of every `bench kernels` run),
// the transposed and batched forms training uses, and an odd shape with edge tiles; and, for
// correctness only, A·B, Aᵀ·B, A·Bᵀ, Aᵀ·Bᵀ, batched and broadcast products on sizes that are and
// are not multiples of the 8×8 block, under each variant, every element of C compared. The
// `matmul-f16` kernel (f16 storage, f32 accumulation; `--features f16`) reports its error against
// the unrounded inputs, judged by F16_STORAGE_TOLERANCE, and must also be exact to f32 rounding on
// the f16 values it stored.
import { CloseAccumulator, FP32_TOLERANCE, seededF32, type Tolerance } from '../../core/index.ts';
import {
  createMatmul,
  F16_STORAGE_TOLERANCE,
  fromF16Array,
  toF16Array,
  uploadF16,
  matmulExtents,
  matmulRef,
  readF32,
  resolveMatmulShape,
  uploadF32,
  zerosF32,
  type Gpu,
  type MatmulShape,
  type MatmulStorage,
  type MatmulVariant,
} from '../../kernels/index.ts';
import type { CaseCheck, KernelBenchCase, KernelBenchRun } from './case.ts';
import { checkOutputs } from './training-ops-support.ts';

/** Rows of C compared with the f64 reference (all of them would take seconds at 1024³ in JS). */
const CHECKED_ROWS = 12;

function label(s: MatmulShape): string {
  const t = s.transA || s.transB ? ` ${s.transA ? 'Aᵀ' : 'A'}·${s.transB ? 'Bᵀ' : 'B'}` : '';
  return `${s.batch && s.batch > 1 ? `${s.batch}x` : ''}${s.M}x${s.N}x${s.K}${t}`;
}

/** Row m of op(A) for batch z, as a 1×K matrix. */
function aRow(a: Float32Array, s: MatmulShape, z: number, m: number): Float32Array {
  const base = z * (s.batchStrideA ?? s.M * s.K);
  return Float32Array.from({ length: s.K }, (_, k) => a[base + (s.transA ? k * s.M + m : m * s.K + k)] ?? 0);
}

/** Compares sampled rows of every batch's C with the f64 reference. */
function checkRows(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  s: MatmulShape,
  tolerance: Tolerance = FP32_TOLERANCE,
): { maxAbsError: number; withinTolerance: boolean } {
  // fp32 tolerance scaled by Σ|a·b| instead of |ref| (see allClose's scale).
  const acc = new CloseAccumulator(tolerance);
  for (let z = 0; z < (s.batch ?? 1); z++) {
    const bz = b.subarray(z * (s.batchStrideB ?? s.K * s.N));
    for (let r = 0; r < Math.min(CHECKED_ROWS, s.M); r++) {
      const m = Math.floor((r * (s.M - 1)) / Math.max(1, CHECKED_ROWS - 1));
      const ref = matmulRef(aRow(a, s, z, m), bz, { M: 1, N: s.N, K: s.K, transB: s.transB ?? false });
      const got = c.subarray((z * s.M + m) * s.N, (z * s.M + m + 1) * s.N);
      for (let n = 0; n < s.N; n++) acc.add(got[n] ?? Number.NaN, ref.out[n] ?? Number.NaN, ref.absSum[n] ?? 0);
    }
  }
  const { maxAbsError, withinTolerance } = acc.report();
  return { maxAbsError, withinTolerance };
}

/** C vs the f64 reference: f32 storage at fp32 tolerance; f16 storage as the file header says. */
function checkStorage(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  s: MatmulShape,
  storage: MatmulStorage,
): { maxAbsError: number; withinTolerance: boolean } {
  if (storage === 'f32') return checkRows(c, a, b, s);
  const r = (x: Float32Array): Float32Array => fromF16Array(toF16Array(x));
  const stored = checkRows(c, r(a), r(b), s);
  const given = checkRows(c, a, b, s, F16_STORAGE_TOLERANCE);
  return { maxAbsError: given.maxAbsError, withinTolerance: stored.withinTolerance && given.withinTolerance };
}

/** Every element of C vs the f64 reference, at fp32 tolerance scaled by Σ|a·b| (matmulRef's absSum). */
function checkAll(c: Float32Array, a: Float32Array, b: Float32Array, s: MatmulShape): CaseCheck {
  const ref = matmulRef(a, b, s);
  return checkOutputs([{ name: 'C', actual: c, expected: ref.out, scale: ref.absSum }]);
}

/** The correctness cases' inputs: A and B hold exactly the elements their strides reach, seeded by M and N. */
interface Inputs {
  readonly a: Float32Array;
  readonly b: Float32Array;
}

function timedInputs(s: MatmulShape): Inputs {
  const batch = s.batch ?? 1;
  return { a: seededF32(batch * s.M * s.K, 11), b: seededF32(batch * s.K * s.N, 23) };
}

function oddInputs(s: MatmulShape): Inputs {
  const ext = matmulExtents(resolveMatmulShape(s));
  return { a: seededF32(ext.a, 1 + s.M), b: seededF32(ext.b, 7 + s.N) };
}

async function setupMatmul(
  gpu: Gpu,
  s: MatmulShape,
  variant: MatmulVariant | undefined,
  storage: MatmulStorage,
  full = false,
): Promise<KernelBenchRun> {
  const kernel = await createMatmul(gpu, s, { ...(variant ? { variant } : {}), storage });
  if (variant && kernel.variant !== variant) throw new Error(`matmul asked for '${variant}', got '${kernel.variant}'`);
  const batch = s.batch ?? 1;
  const { a, b } = full ? oddInputs(s) : timedInputs(s);
  const up = storage === 'f16' ? uploadF16 : uploadF32;
  const [ga, gb, gc] = [up(gpu, a, 'A'), up(gpu, b, 'B'), zerosF32(gpu, batch * s.M * s.N, 'C')];
  const element = storage === 'f16' ? 2 : 4;
  const encode = (encoder: GPUCommandEncoder): void => kernel.encode(encoder, { a: ga, b: gb, c: gc });
  return {
    flops: kernel.flops,
    bytes: element * (a.length + b.length) + 4 * batch * s.M * s.N,
    allocatedBytes: ga.size + gb.size + gc.size + kernel.allocatedBytes,
    encode,
    async run() {
      const encoder = gpu.device.createCommandEncoder();
      encode(encoder);
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
    },
    async check() {
      const c = await readF32(gpu, gc, batch * s.M * s.N);
      return full ? checkAll(c, a, b, s) : checkStorage(c, a, b, s, storage);
    },
    destroy() {
      kernel.destroy();
      for (const buffer of [ga, gb, gc]) buffer.destroy();
    },
  };
}

/** `variant` pins a kernel variant (shown in the shape); by default the adapter's best one runs. */
function matmulCase(shape: MatmulShape, quick: boolean, variant?: MatmulVariant): KernelBenchCase {
  const shown = `${label(shape)}${variant ? ` ${variant}` : ''}`;
  return { kernel: 'matmul', shape: shown, quick, setup: (gpu) => setupMatmul(gpu, shape, variant, 'f32') };
}

/** Correctness only: every element of C under `variant` (refused where the adapter lacks it). */
function oddCase(shape: MatmulShape, variant: MatmulVariant): KernelBenchCase {
  const t = `${shape.transA ? 'Aᵀ' : 'A'}·${shape.transB ? 'Bᵀ' : 'B'}`;
  const strides = shape.batchStrideA === 0 ? ' shared A' : shape.batchStrideB === 0 ? ' shared B' : '';
  return {
    kernel: 'matmul',
    shape: `${t} ${shape.batch ?? 1}×${shape.M}×${shape.N}×${shape.K}${strides} ${variant}`,
    quick: false,
    timed: false,
    setup: (gpu) => setupMatmul(gpu, shape, variant, 'f32', true),
  };
}

const ODD_SHAPES: readonly MatmulShape[] = [
  { M: 1, N: 1, K: 1 },
  { M: 8, N: 8, K: 8 },
  { M: 33, N: 17, K: 65 },
  { M: 127, N: 129, K: 31 },
  { M: 64, N: 96, K: 300 },
  { M: 33, N: 17, K: 65, transA: true },
  { M: 33, N: 17, K: 65, transB: true },
  { M: 20, N: 24, K: 9, transA: true, transB: true },
  { M: 19, N: 36, K: 23, batch: 3 },
  { M: 19, N: 13, K: 23, batch: 3, transB: true },
  { M: 17, N: 12, K: 5, batch: 4, batchStrideB: 0 },
  { M: 5, N: 7, K: 11, batch: 2, batchStrideA: 0, transA: true },
];

/** The f16-storage kernel: a kernel name of its own, so it never becomes the f32 calibration. */
function matmulF16Case(shape: MatmulShape): KernelBenchCase {
  return {
    kernel: 'matmul-f16',
    shape: label(shape),
    quick: false,
    requires: 'f16',
    setup: (gpu) => setupMatmul(gpu, shape, undefined, 'f16'),
  };
}

/** The case `bench kernels` runs for calibration when --filter leaves out every matmul. */
export const calibrationCase: KernelBenchCase = matmulCase({ M: 512, N: 512, K: 512 }, true);

const cases: KernelBenchCase[] = [
  calibrationCase,
  matmulCase({ M: 512, N: 512, K: 512, transB: true }, true),
  matmulCase({ M: 128, N: 128, K: 128, batch: 16 }, true),
  matmulCase({ M: 1024, N: 1024, K: 1024 }, false),
  matmulCase({ M: 512, N: 512, K: 512 }, false, 'tiled'),
  matmulCase({ M: 1024, N: 1024, K: 1024 }, false, 'tiled'),
  matmulCase({ M: 1024, N: 1024, K: 1024, transA: true }, false),
  matmulCase({ M: 8760, N: 128, K: 32 }, false),
  matmulCase({ M: 127, N: 129, K: 31 }, false),
  matmulF16Case({ M: 512, N: 512, K: 512 }),
  matmulF16Case({ M: 1024, N: 1024, K: 1024 }),
  matmulF16Case({ M: 127, N: 129, K: 31 }),
  ...(['tiled', 'subgroup'] as const).flatMap((v) => ODD_SHAPES.map((shape) => oddCase(shape, v))),
];
export default cases;
