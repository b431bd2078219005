// Shared set-up of the training-op benchmark cases: seeded inputs, and a case builder for
// memory-bound kernels whose check() resets the inputs, runs once and compares with the reference.
import { readF32, submitAndWait, uploadF32, zerosF32, type Gpu } from '../../kernels/index.ts';
import type { KernelBenchCase, KernelBenchRun } from './case.ts';

/** fp32 tolerance of every training-op check: |gpu − ref| ≤ atol + rtol·|ref|. */
export const TOLERANCE = { atol: 1e-5, rtol: 1e-4 } as const;

/** Deterministic uniform values in [lo, hi). */
export function seededF32(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  }
  return out;
}

/**
 * Max |a − b| and whether every element is within TOLERANCE. `magnitude` (optional, per element)
 * replaces |ref| in the rtol term for sums: an f32 sum of n terms is only accurate relative to
 * Σ|terms|, so a column sum of 8,760 rows that cancels to ≈ 0 cannot meet atol 1e-5 alone.
 */
export function compare(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  magnitude?: ArrayLike<number>,
): { maxAbsError: number; withinTolerance: boolean } {
  let maxAbsError = actual.length === expected.length ? 0 : Number.POSITIVE_INFINITY;
  let within = actual.length === expected.length;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    const e = expected[i] ?? Number.NaN;
    const err = Math.abs((actual[i] ?? Number.NaN) - e);
    if (!(err <= maxAbsError)) maxAbsError = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
    const scale = Math.max(Math.abs(e), magnitude?.[i] ?? 0);
    if (!(err <= TOLERANCE.atol + TOLERANCE.rtol * scale)) within = false;
  }
  return { maxAbsError, withinTolerance: within };
}

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
    /** After one run from the initial state: [gpu values, reference values, optional Σ|terms| (sums)]. */
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
          return compare(actual, expected, magnitude);
        },
        destroy() {
          op.destroy?.();
          bufs.destroy();
        },
      };
    },
  };
}
