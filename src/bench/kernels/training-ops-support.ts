// Shared set-up of the training ops' cases: seeded inputs in buffers that check() can restore, and
// a case builder for memory-bound kernels whose check() resets the inputs, runs once and compares
// every named output with the reference.
import { allClose, FP32_TOLERANCE, type Tolerance } from '../../core/index.ts';
import { readF32, submitAndWait, uploadF32, zerosF32, type Gpu } from '../../kernels/index.ts';
import type { CheckedPart, KernelBenchCase, KernelBenchRun } from './case.ts';

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

/** One output to compare: the GPU's values, the reference's, and optionally Σ|terms| (see CheckedPart). */
export interface Output {
  readonly name: string;
  readonly actual: ArrayLike<number>;
  readonly expected: ArrayLike<number>;
  /** An f32 sum of n terms is only accurate relative to Σ|terms|: a column sum of 8,760 rows that
   * cancels to ≈ 0 is judged against that magnitude, not |ref| alone. */
  readonly scale?: ArrayLike<number>;
  /** Default FP32_TOLERANCE (atol 1e-5, rtol 1e-4). */
  readonly tolerance?: Tolerance;
}

export interface MemoryBoundSpec {
  readonly kernel: string;
  readonly shape: string;
  readonly quick: boolean;
  /** false: checked by the vitest suite only (see KernelBenchCase.timed). */
  readonly timed?: boolean;
  /** Minimum bytes one run reads + writes. */
  readonly bytes: number;
  /** Prepares the kernel and buffers; returns the recording step and the check's comparisons. */
  setup(bufs: CaseBuffers): Promise<{
    encode(encoder: GPUCommandEncoder): void;
    /** One run when it is not one submit of encode() (e.g. a submit per step). */
    run?(): Promise<void>;
    /** After one run from the initial state: every output and its reference. */
    outputs(): Promise<readonly Output[]>;
    destroy?(): void;
  }>;
}

/** The comparisons of `outputs`, each at its own tolerance. */
export function checkOutputs(outputs: readonly Output[]): {
  maxAbsError: number;
  withinTolerance: boolean;
  parts: CheckedPart[];
} {
  const parts = outputs.map((o) => ({ tolerance: FP32_TOLERANCE, ...o }));
  const reports = parts.map((p) => allClose(p.actual, p.expected, p.tolerance, p.scale));
  return {
    maxAbsError: Math.max(0, ...reports.map((r) => r.maxAbsError)),
    withinTolerance: reports.every((r) => r.withinTolerance),
    parts,
  };
}

/** A KernelBenchCase for a memory-bound kernel (flops 0; GB/s from `bytes`). */
export function memoryBoundCase(spec: MemoryBoundSpec): KernelBenchCase {
  return {
    kernel: spec.kernel,
    shape: spec.shape,
    quick: spec.quick,
    ...(spec.timed === false ? { timed: false } : {}),
    async setup(gpu: Gpu): Promise<KernelBenchRun> {
      const bufs = new CaseBuffers(gpu);
      const op = await spec.setup(bufs);
      const run = op.run ?? ((): Promise<void> => submitAndWait(gpu, (e) => op.encode(e)));
      return {
        flops: 0,
        bytes: spec.bytes,
        allocatedBytes: bufs.bytes,
        run,
        // what run() submits, for the GPU's timestamp clock; a case with its own run() has none
        ...(op.run ? {} : { encode: (e: GPUCommandEncoder) => op.encode(e) }),
        async check() {
          bufs.reset();
          await run();
          return checkOutputs(await op.outputs());
        },
        destroy() {
          op.destroy?.();
          bufs.destroy();
        },
      };
    },
  };
}
