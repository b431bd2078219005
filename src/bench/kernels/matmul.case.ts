// Benchmarks of the matmul kernel: square sizes (the calibration of every `bench kernels` run),
// the transposed and batched forms training uses, and an odd shape with edge tiles.
import { CloseAccumulator, FP32_TOLERANCE, seededF32 } from '../../core/index.ts';
import {
  createMatmul,
  matmulRef,
  readF32,
  uploadF32,
  zerosF32,
  type Gpu,
  type MatmulShape,
  type MatmulVariant,
} from '../../kernels/index.ts';
import type { KernelBenchCase, KernelBenchRun } from './case.ts';

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
): { maxAbsError: number; withinTolerance: boolean } {
  // fp32 tolerance scaled by Σ|a·b| instead of |ref| (see allClose's scale).
  const acc = new CloseAccumulator(FP32_TOLERANCE);
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

async function setupMatmul(gpu: Gpu, s: MatmulShape, variant: MatmulVariant | undefined): Promise<KernelBenchRun> {
  const kernel = await createMatmul(gpu, s, variant ? { variant } : {});
  const batch = s.batch ?? 1;
  const a = seededF32(batch * s.M * s.K, 11);
  const b = seededF32(batch * s.K * s.N, 23);
  const [ga, gb, gc] = [uploadF32(gpu, a, 'A'), uploadF32(gpu, b, 'B'), zerosF32(gpu, batch * s.M * s.N, 'C')];
  const encode = (encoder: GPUCommandEncoder): void => kernel.encode(encoder, { a: ga, b: gb, c: gc });
  return {
    flops: kernel.flops,
    bytes: 4 * (a.length + b.length + batch * s.M * s.N),
    allocatedBytes: ga.size + gb.size + gc.size + kernel.allocatedBytes,
    encode,
    async run() {
      const encoder = gpu.device.createCommandEncoder();
      encode(encoder);
      gpu.device.queue.submit([encoder.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
    },
    async check() {
      return checkRows(await readF32(gpu, gc, batch * s.M * s.N), a, b, s);
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
  return { kernel: 'matmul', shape: shown, quick, setup: (gpu) => setupMatmul(gpu, shape, variant) };
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
];
export default cases;
