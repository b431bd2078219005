// The clocks a gate worker times with, all from the scheduler's per-thread run time
// (/proc/self/task/<tid>/schedstat, nanoseconds; getrusage's user/system split is sampled at the
// tick here and read 0 for a 15 ms sample). `process`: every thread's CPU seconds (training steps);
// `thread`: the JavaScript thread's only (the ingest and feature stages, without V8's helpers). `adapter`: CPU seconds
// of the threads that
// appeared while the worker opened its GPU device — on a CPU adapter (llvmpipe) the kernels' work,
// without the JavaScript thread's encoding or V8's collector (see adapter-cpu.ts for the figures).
// Both read CPU time, not wall time: a process waiting for a core accrues none, so contention
// from other processes moves them far less than the wall clock. Linux /proc for `adapter`.
import { readdirSync, readFileSync } from 'node:fs';

export type ClockName = 'process' | 'thread' | 'adapter' | 'wall';

const adapterThreads = new Set<string>();

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

/** Runs `open` (a device request) and records the threads it started as the adapter's. */
export async function openRecordingThreads<T>(open: () => Promise<T>): Promise<T> {
  const before = new Set(threadIds());
  const out = await open();
  for (const tid of threadIds()) if (!before.has(tid) && tid !== String(process.pid)) adapterThreads.add(tid);
  return out;
}

/** Whether the adapter clock has threads to read (a CPU adapter on Linux; a GPU driver may start none). */
export function adapterClockReady(): boolean {
  return [...adapterThreads].some((t) => threadSeconds(t) > 0);
}

export function clockReader(name: ClockName): () => number {
  if (name === 'wall') return () => performance.now() / 1e3;
  if (name === 'thread') return () => threadSeconds(String(process.pid));
  if (name === 'adapter') return () => [...adapterThreads].reduce((s, t) => s + threadSeconds(t), 0);
  // threads that ended since the last read drop out of the sum; training keeps its threads alive
  return () => threadIds().reduce((s, t) => s + threadSeconds(t), 0);
}
