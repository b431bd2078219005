// The in-run matmul calibration behind MFU "vs matmul": the best FLOP/s of the product's own
// matmul measured in this process, on this adapter, next to the training. The shapes are those
// `bench kernels` calibrates with (1024³, A·B and Aᵀ·B): at 512³ submit and wake-up latency were a
// large part of a product's wall time on llvmpipe, the rate read low and a long run reported an MFU
// over 100 % "vs matmul" (docs/measurements.md, "Training: in-run matmul calibration shape").
// Timed on the GPU clock where the
// adapter has timestamp queries (kernels/runtime/timing.ts), else submit → done.
import { createGpuTimer, createMatmul, zerosF32, type Gpu, type MatmulShape } from '../kernels/index.ts';

const SHAPES = (n: number): MatmulShape[] => [
  { M: n, N: n, K: n },
  { M: n, N: n, K: n, transA: true },
];

/** Best FLOP/s over `reps` timed runs (after one warm-up) of each n³ product (A·B, Aᵀ·B). */
export async function matmulPeak(gpu: Gpu, n = 1024, reps = 3): Promise<number> {
  const [a, b, c] = [zerosF32(gpu, n * n), zerosF32(gpu, n * n), zerosF32(gpu, n * n)];
  const timer = createGpuTimer(gpu);
  let best = 0;
  try {
    for (const shape of SHAPES(n)) {
      const mm = await createMatmul(gpu, shape);
      try {
        for (let i = 0; i <= reps; i++) {
          const s = await timer.time((e) => mm.encode(e, { a, b, c }));
          if (i > 0 && s > 0) best = Math.max(best, mm.flops / s);
        }
      } finally {
        mm.destroy();
      }
    }
    return best;
  } finally {
    timer.destroy();
    for (const x of [a, b, c]) x.destroy();
  }
}
