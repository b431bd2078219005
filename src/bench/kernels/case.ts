// The one list of cases per kernel (`src/bench/kernels/<op>.case.ts`, default-exporting it): each
// case's inputs, reference and tolerance are defined once. The vitest suite checks every quick case
// and every correctness-only case (`timed: false`) against the plain-TS reference
// (test/kernels/kernel-cases.ts); `bench kernels` checks and times every timed case, the gate the
// quick ones.
import type { Tolerance } from '../../core/index.ts';
import type { Gpu, RequestedFeature } from '../../kernels/index.ts';

export interface KernelBenchCase {
  /** Kernel name as shown in the table, e.g. `matmul`, `attention-fwd`. */
  readonly kernel: string;
  /** Shape as shown in the table, e.g. `1024x1024x1024`, `T8760 H1 D32 causal`. */
  readonly shape: string;
  /** Part of the quick suite that CI's regression gate runs (and the vitest suite checks). */
  readonly quick: boolean;
  /**
   * false: a correctness case only (odd sizes, edge values), checked by the vitest suite and never
   * loaded by `bench kernels` or the gate. Default true.
   */
  readonly timed?: boolean;
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
  /** Compares one run's output with the plain-TS reference (after at least one run()). */
  check(): Promise<CaseCheck>;
  destroy(): void;
}

export interface CaseCheck {
  readonly maxAbsError: number;
  readonly withinTolerance: boolean;
  /** Each output compared, so a test can name the one that failed (absent where a case samples rows). */
  readonly parts?: readonly CheckedPart[];
}

/** One output of a run and what it must match. */
export interface CheckedPart {
  readonly name: string;
  readonly actual: ArrayLike<number>;
  readonly expected: ArrayLike<number>;
  readonly tolerance: Tolerance;
  /** Replaces |expected| in the rtol term where larger, e.g. Σ|terms| of a sum (allClose's scale). */
  readonly scale?: ArrayLike<number>;
}
