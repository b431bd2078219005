// GPU buffers for the training-op suites (inputs come from seededF32, tolerances from
// FP32_TOLERANCE, both in src/core/numerics.ts).
import { readF32, uploadF32, zerosF32, type Gpu } from '../../src/kernels/index.ts';

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
