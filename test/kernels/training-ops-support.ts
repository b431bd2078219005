// Test inputs for the training-op suites: seeded random arrays and f32 round-tripping helpers.
import { readF32, uploadF32, zerosF32, type Gpu } from '../../src/kernels/index.ts';

/** fp32 tolerance every training-op comparison uses unless its assertion says why not. */
export const FP32 = { atol: 1e-5, rtol: 1e-4 } as const;

/** Deterministic uniform values in [lo, hi) (the benchmarks' LCG; the seed names the array in failures). */
export { seededF32 as seeded } from '../../src/bench/kernels/training-ops-support.ts';

/** Buffers uploaded for a test; destroy() frees them all. */
export class TestBuffers {
  private readonly all: GPUBuffer[] = [];
  constructor(private readonly gpu: Gpu) {}

  upload(data: Float32Array, label: string): GPUBuffer {
    const b = uploadF32(this.gpu, data, label);
    this.all.push(b);
    return b;
  }

  zeros(count: number, label: string): GPUBuffer {
    const b = zerosF32(this.gpu, count, label);
    this.all.push(b);
    return b;
  }

  read(buffer: GPUBuffer, count: number): Promise<Float32Array> {
    return readF32(this.gpu, buffer, count);
  }

  destroy(): void {
    for (const b of this.all) b.destroy();
  }
}
