// Shared set-up of the training-op benchmark cases: seeded inputs, and a case builder for
// memory-bound kernels whose check() resets the inputs, runs once and compares with the reference.
import { allClose, FP32_TOLERANCE } from '../../core/index.ts';
import { readF32, submitAndWait, uploadF32, zerosF32, type Gpu } from '../../kernels/index.ts';
import type { KernelBenchCase, KernelBenchRun } from './case.ts';

/** Buffers of one case: uploads remember their data so check() can restore them. */
export class CaseBuffers {
  private readonly all: GPUBuffer[] = [];
  private readonly initial = new Map<GPUBuffer, Float32Array>();
  constructor(readonly gpu: Gpu) {}

  upload(data: Float32Array, label: string): GPUBuffer {
    const b = uploadF32(this.gpu, data, label);
    this.all.push(b);
    this.initial.set(b, data);
    return b;
  }

  zeros(count: number, label: string): GPUBuffer {
    const b = zerosF32(this.gpu, count, label);
    this.all.push(b);
    this.initial.set(b, new Float32Array(count));
    return b;
  }

  read(buffer: GPUBuffer, count: number): Promise<Float32Array> {
    return readF32(this.gpu, buffer, count);
  }

  /** Restores every buffer to its initial contents (queued before the next submit). */
  reset(): void {
    for (const [b, data] of this.initial) this.gpu.device.queue.writeBuffer(b, 0, data);
  }

  get bytes(): number {
    return this.all.reduce((s, b) => s + b.size, 0);
  }

  destroy(): void {
    for (const b of this.all) b.destroy();
  }
}

export interface MemoryBoundSpec {
  readonly kernel: string;
  readonly shape: string;
  readonly quick: boolean;
  /** Minimum bytes one run reads + writes. */
  readonly bytes: number;
  /** Prepares the kernel and buffers; returns the recording step and the check's comparison. */
  setup(bufs: CaseBuffers): Promise<{
    encode(encoder: GPUCommandEncoder): void;
    /**
     * After one run from the initial state: [gpu values, reference values, optional Σ|terms|]. An f32
     * sum of n terms is only accurate relative to Σ|terms|, so a column sum of 8,760 rows that
     * cancels to ≈ 0 is judged against that magnitude (allClose's `scale`), not |ref| alone.
     */
    outputs(): Promise<readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>?]>;
    destroy?(): void;
  }>;
}

/** A KernelBenchCase for a memory-bound kernel (flops 0; GB/s from `bytes`). */
export function memoryBoundCase(spec: MemoryBoundSpec): KernelBenchCase {
  return {
    kernel: spec.kernel,
    shape: spec.shape,
    quick: spec.quick,
    async setup(gpu: Gpu): Promise<KernelBenchRun> {
      const bufs = new CaseBuffers(gpu);
      const op = await spec.setup(bufs);
      const run = (): Promise<void> => submitAndWait(gpu, (e) => op.encode(e));
      return {
        flops: 0,
        bytes: spec.bytes,
        allocatedBytes: bufs.bytes,
        run,
        async check() {
          bufs.reset();
          await run();
          const [actual, expected, magnitude] = await op.outputs();
          const { maxAbsError, withinTolerance } = allClose(actual, expected, FP32_TOLERANCE, magnitude);
          return { maxAbsError, withinTolerance };
        },
        destroy() {
          op.destroy?.();
          bufs.destroy();
        },
      };
    },
  };
}
