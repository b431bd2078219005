// The clocks a gate worker times with, all from the scheduler's per-thread run time
// (/proc/self/task/<tid>/schedstat, nanoseconds; getrusage's user/system split is sampled at the
// tick here and read 0 for a 15 ms sample). `process`: every thread's CPU seconds (training steps);
// `thread`: the JavaScript thread's only (the ingest and feature stages, without V8's helpers).
// `adapter`: CPU seconds of the threads that appeared while one tree opened its GPU device — on a
// CPU adapter (llvmpipe) that tree's kernels' work, without the JavaScript thread's encoding, V8's
// collector or the other tree's device (a worker hosts both trees; see adapter-cpu.ts for figures).
// Both read CPU time, not wall time: a process waiting for a core accrues none, so contention
// from other processes moves them far less than the wall clock. Linux /proc for `adapter`.
import { readdirSync, readFileSync } from 'node:fs';

/** `gpu`: the GPU's timestamp queries around one run's commands (read by the kernel probe, not here). */
export type ClockName = 'process' | 'thread' | 'adapter' | 'wall' | 'gpu';

function threadIds(): string[] {
  try {
    return readdirSync('/proc/self/task');
  } catch {
    return [];
  }
}

function threadSeconds(tid: string): number {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return 0; // the thread has ended
  }
}

/** Runs `open` (a device request) and adds the threads it started to `threads` (that device's). */
export async function openRecordingThreads<T>(open: () => Promise<T>, threads: Set<string>): Promise<T> {
  const before = new Set(threadIds());
  const out = await open();
  for (const tid of threadIds()) if (!before.has(tid) && tid !== String(process.pid)) threads.add(tid);
  return out;
}

/** Whether an adapter clock has threads to read (a CPU adapter on Linux; a GPU driver may start none). */
export function adapterClockReady(threads: ReadonlySet<string>): boolean {
  return [...threads].some((t) => threadSeconds(t) > 0);
}

const napCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Sleeps the calling thread ~50 µs, so that the scheduler books its run time. schedstat of a thread
 * that is running is brought up to date only at a timer tick (4 ms here: CONFIG_HZ=250) or a
 * context switch: read without the nap, a 5 ms busy loop reads 4.00 or 8.00 ms; after it, 5.05–5.20
 * ms (docs/gate.md, "The thread clock's tick"). The adapter's threads are asleep when read (their
 * work is done), so they need none.
 */
function bookOwnTime(): void {
  Atomics.wait(napCell, 0, 0, 0.05);
}

/** A clock; `adapter` reads the given device threads (openRecordingThreads). */
export function clockReader(name: ClockName, threads: ReadonlySet<string> = new Set()): () => number {
  if (name === 'wall') return () => performance.now() / 1e3;
  if (name === 'gpu') throw new Error('the gpu clock is read from timestamp queries, not from a thread');
  if (name === 'adapter') return () => [...threads].reduce((s, t) => s + threadSeconds(t), 0);
  if (name === 'thread')
    return () => {
      bookOwnTime();
      return threadSeconds(String(process.pid));
    };
  // threads that ended since the last read drop out of the sum; training keeps its threads alive
  return () => {
    bookOwnTime();
    return threadIds().reduce((s, t) => s + threadSeconds(t), 0);
  };
}
