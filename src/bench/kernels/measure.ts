// Runs one benchmark case: set-up, warm-up, a correctness check, then timed runs (GPU timestamps
// when the case can encode and the adapter has them, else wall time around submit + wait).
import { createGpuTimer, wallSeconds, type Gpu, type TimingMethod } from '../../kernels/index.ts';
import type { KernelBenchCase, KernelBenchRun } from './case.ts';

export interface MeasureOptions {
  readonly warmup: number;
  readonly repeat: number;
  /** Keep repeating past `repeat` until this many seconds were spent timing (short kernels). */
  readonly minSeconds: number;
  /** Stop repeating once this many seconds were spent timing (at least 3 runs still happen). */
  readonly maxSeconds: number;
}

export interface Timings {
  readonly method: TimingMethod;
  /** Seconds of each timed run, in run order. */
  readonly seconds: readonly number[];
  /**
   * Process CPU seconds (all threads) per timed run. On a CPU adapter (llvmpipe) this is the
   * kernel's own cost and, unlike wall time, barely moves when other processes share the cores.
   */
  readonly cpuSecondsPerRun: number;
}

export type CaseOutcome =
  | {
      readonly kind: 'measured';
      readonly flops: number;
      readonly bytes: number;
      readonly allocatedBytes: number;
      readonly timings: Timings;
      readonly maxAbsError: number;
      readonly withinTolerance: boolean;
    }
  | { readonly kind: 'failed'; readonly error: string };

async function timeRuns(gpu: Gpu, run: KernelBenchRun, options: MeasureOptions): Promise<Timings> {
  const timer = run.encode && gpu.hasTimestamps ? createGpuTimer(gpu) : undefined;
  const encode = run.encode;
  const once = (): Promise<number> => (timer && encode ? timer.time(encode) : wallSeconds(() => run.run()));
  const seconds: number[] = [];
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const elapsed = (): number => (performance.now() - started) / 1e3;
    const MAX_RUNS = 1000;
    while (seconds.length < MAX_RUNS && (seconds.length < options.repeat || elapsed() < options.minSeconds)) {
      seconds.push(await once());
      if (seconds.length >= 3 && elapsed() > options.maxSeconds) break;
    }
  } finally {
    timer?.destroy();
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    method: timer ? timer.method : 'wall',
    seconds,
    cpuSecondsPerRun: (cpu.user + cpu.system) / 1e6 / seconds.length,
  };
}

/** Measures `c` on `gpu`; a case that throws becomes {kind: 'failed'} so the others still run. */
export async function measureCase(gpu: Gpu, c: KernelBenchCase, options: MeasureOptions): Promise<CaseOutcome> {
  let run: KernelBenchRun | undefined;
  try {
    run = await c.setup(gpu);
    // The check reads what a run wrote, so one run precedes it even with --warmup 0.
    for (let i = 0; i < Math.max(1, options.warmup); i++) await run.run();
    const check = await run.check();
    const timings = await timeRuns(gpu, run, options);
    return {
      kind: 'measured',
      flops: run.flops,
      bytes: run.bytes,
      allocatedBytes: run.allocatedBytes,
      timings,
      maxAbsError: check.maxAbsError,
      withinTolerance: check.withinTolerance,
    };
  } catch (error) {
    return { kind: 'failed', error: error instanceof Error ? error.message : String(error) };
  } finally {
    run?.destroy();
  }
}
