// CPU time of the adapter's threads, the gate's second clock for kernels on a CPU adapter. On llvmpipe the
// GPU's work is CPU time of the driver's worker threads: contention from other processes stretches
// the wall clock but barely moves the CPU seconds the work needs. Measured on llvmpipe (2 vCPUs),
// 40 matmuls 512³ per sample, 12 samples: wall 394–645 ms idle, 650–999 ms beside one busy loop,
// 722–1631 ms beside two; the adapter threads' CPU time 673–878, 670–918 and 647–825 ms (best
// 673 / 670 / 647 ms), so the best sample moved 4 % where the wall clock moved 83 %. Over longer
// spans it drifts too (25–46 % within 20 minutes, docs/gate.md), so the gate reports it, not gates.
// Which threads: those that appeared while a device was requested (kernels/runtime/adapter-threads.ts),
// so the JavaScript thread (encoding, Dawn's event poll) and V8's garbage-collector helpers, busy
// after the gate's ingest and features stages, are not counted. Source: the first field of
// /proc/self/task/<tid>/schedstat (nanoseconds on a CPU). Linux only; null elsewhere.
import { readFileSync } from 'node:fs';
import { adapterThreadIds } from '../../kernels/index.ts';

function threadNs(tid: string): number {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0; // the thread has ended
  }
}

/** A reader of the adapter threads' CPU seconds so far, or null where none are known or readable. */
export function adapterCpuClock(): (() => number) | null {
  if (process.platform !== 'linux') return null;
  const tids = [...adapterThreadIds()];
  if (!tids.some((t) => threadNs(t) > 0)) return null; // NaN and 0 (unreadable, ended) both fail
  return () => tids.reduce((ns, t) => ns + threadNs(t), 0) / 1e9;
}
