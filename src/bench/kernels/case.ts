// The contract between `bench kernels` and each kernel's benchmark case (one file per kernel,
// `src/bench/kernels/<op>.case.ts`, default-exporting a list of cases).
import type { Gpu, RequestedFeature } from '../../kernels/index.ts';

export interface KernelBenchCase {
  /** Kernel name as shown in the table, e.g. `matmul`, `attention-fwd`. */
  readonly kernel: string;
  /** Shape as shown in the table, e.g. `1024x1024x1024`, `T8760 H1 D32 causal`. */
  readonly shape: string;
  /** Part of the quick suite that CI's regression gate runs. */
  readonly quick: boolean;
  /**
   * A feature the device must have been asked for and given (`--features`); without it the case
   * is skipped, shown as skipped, and fails nothing (the f16 variants).
   */
  readonly requires?: RequestedFeature;
  /** Allocates inputs on `gpu` and compiles pipelines; nothing here is timed. */
  setup(gpu: Gpu): Promise<KernelBenchRun>;
}

export interface KernelBenchRun {
  /** Floating-point operations of one run (for GFLOP/s); 0 when the kernel is memory-bound. */
  readonly flops: number;
  /** Bytes one run must read + write at minimum (for GB/s). */
  readonly bytes: number;
  /** GPU memory this case allocated, in bytes (shows T·D vs T² growth for attention). */
  readonly allocatedBytes: number;
  /** Encodes, submits and waits for one complete run (the timed body). */
  run(): Promise<void>;
  /**
   * Optional: records one run into `encoder` without submitting. When present and the adapter
   * has `timestamp-query`, `bench kernels` times the GPU work itself instead of wall time.
   */
  readonly encode?: (encoder: GPUCommandEncoder) => void;
  /** Compares one run's output with the plain-TS reference. */
  check(): Promise<{ readonly maxAbsError: number; readonly withinTolerance: boolean }>;
  destroy(): void;
}
