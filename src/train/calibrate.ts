// The in-run matmul calibration behind MFU "vs matmul": the best GFLOP/s of the product's own
// matmul on square products measured in this process, on this adapter, next to the training.
import { createMatmul, zerosF32, type Gpu } from '../kernels/index.ts';

/** Best FLOP/s over `reps` timed runs of an n³ matmul (after one warm-up run). */
export async function matmulPeak(gpu: Gpu, n = 512, reps = 3): Promise<number> {
  const mm = await createMatmul(gpu, { M: n, N: n, K: n });
  const [a, b, c] = [zerosF32(gpu, n * n), zerosF32(gpu, n * n), zerosF32(gpu, n * n)];
  try {
    let best = 0;
    for (let i = 0; i <= reps; i++) {
      const t0 = performance.now();
      const e = gpu.device.createCommandEncoder();
      mm.encode(e, { a, b, c });
      gpu.device.queue.submit([e.finish()]);
      await gpu.device.queue.onSubmittedWorkDone();
      const s = (performance.now() - t0) / 1e3;
      if (i > 0) best = Math.max(best, mm.flops / s);
    }
    return best;
  } finally {
    mm.destroy();
    for (const x of [a, b, c]) x.destroy();
  }
}
