// Dawn's Node binding waits for every pending promise (onSubmittedWorkDone, mapAsync, async
// pipelines) by re-queueing a setImmediate that calls ProcessEvents: the JavaScript thread spins at
// 100 % of a core for as long as GPU work is in flight. On a CPU adapter (llvmpipe) that work runs
// on the adapter's own worker threads, one per core, so the spinning thread takes a core's share
// from them. Measured on llvmpipe (2 vCPUs): 20 matmuls 1024³ in one submit took 2.6–3.3 s awaited
// directly, 1.5–2.1 s with the waiting thread at nice 19, and finished within 1.5 s when the thread
// slept instead of polling (scratch measurement, 2026-12-02; `bench kernels` and `bench ring` report
// the figures per run). So once a CPU adapter's device exists (its worker pool is created with the
// device, at the caller's priority), the calling thread lowers its own scheduling priority: the
// poll then runs on what the workers leave idle. Host work on that thread is slowed while it
// competes with any nice-0 thread: its own adapter's workers, or another process's (two test
// forks: one test took 379 s instead of 3.4 s; vitest.config.ts sets WATTRING_POLLER_NICE=0).
import os from 'node:os';
import { UsageError } from '../../core/index.ts';

/** Environment variable: the nice value the waiting thread takes (0 leaves it alone). */
export const POLLER_NICE_ENV = 'WATTRING_POLLER_NICE';
const DEFAULT_NICE = 19;

/** What was done to the waiting thread's priority, for reports. */
export interface PollerPriority {
  /** The calling thread's nice value now; null where it could not be read. */
  readonly nice: number | null;
  /** Why it is what it is, in a few words. */
  readonly reason: string;
}

function wantedNice(env: NodeJS.ProcessEnv): number {
  const raw = env[POLLER_NICE_ENV];
  if (raw === undefined || raw === '') return DEFAULT_NICE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 19) {
    throw new UsageError(
      'GPU_POLLER_NICE',
      `${POLLER_NICE_ENV} must be an integer from 0 (leave the thread alone) to 19, got '${raw}'`,
    );
  }
  return n;
}

function currentNice(): number | null {
  try {
    return os.getPriority(0);
  } catch {
    return null;
  }
}

/**
 * Lowers the calling thread's priority after a CPU adapter's device was opened (Linux only: there
 * `setpriority` with pid 0 applies to the calling thread alone; elsewhere it would apply to the
 * whole process, workers included). Idempotent: a thread already at or below the wanted priority
 * is left as it is.
 */
export function yieldPollerToAdapter(
  cpuAdapter: boolean,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): PollerPriority {
  const nice = wantedNice(env);
  if (!cpuAdapter)
    return { nice: currentNice(), reason: 'GPU adapter: its work does not run on this process’s threads' };
  if (platform !== 'linux')
    return { nice: currentNice(), reason: `left alone on ${platform} (priority is per process there)` };
  if (nice === 0) return { nice: currentNice(), reason: `${POLLER_NICE_ENV}=0` };
  const now = currentNice();
  if (now !== null && now >= nice) return { nice: now, reason: 'already lowered' };
  try {
    os.setPriority(0, nice);
  } catch (err) {
    return { nice: currentNice(), reason: `could not lower: ${(err as Error).message}` };
  }
  return { nice: currentNice(), reason: 'lowered so Dawn’s event poll yields to the CPU adapter’s workers' };
}
