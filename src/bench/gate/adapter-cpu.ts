// CPU time of the adapter's threads, the gate's clock for kernels on a CPU adapter. On llvmpipe the
// GPU's work is CPU time of the driver's worker threads: contention from other processes stretches
// the wall clock but barely moves the CPU seconds the work needs. Measured on llvmpipe (2 vCPUs),
// 40 matmuls 512³ per sample, 12 samples: wall 394–645 ms idle, 650–999 ms beside one busy loop,
// 722–1631 ms beside two; the adapter threads' CPU time 673–878, 670–918 and 647–825 ms (best
// 673 / 670 / 647 ms), so the best sample moves 4 % where the wall clock moved 83 %.
// Source: /proc/self/task/<tid>/schedstat (first field: nanoseconds on a CPU), summed over every
// thread but the calling one (the JavaScript thread, which only encodes and spins in Dawn's event
// poll, see src/kernels/runtime/poller.ts). Linux only; null elsewhere.
import { readdirSync, readFileSync } from 'node:fs';

const TASKS = '/proc/self/task';

function threadNs(tid: string): number {
  try {
    return Number(readFileSync(`${TASKS}/${tid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0; // the thread ended between the listing and the read
  }
}

/** Nanoseconds the process's other threads have run so far. */
function othersNs(): number {
  const self = String(process.pid);
  let ns = 0;
  for (const tid of readdirSync(TASKS)) if (tid !== self) ns += threadNs(tid);
  return ns;
}

/** A reader of the adapter threads' CPU seconds, or null where /proc has no schedstat. */
export function adapterCpuClock(): (() => number) | null {
  if (process.platform !== 'linux') return null;
  try {
    const first = readdirSync(TASKS)[0];
    if (first === undefined || !Number.isFinite(Number(readFileSync(`${TASKS}/${first}/schedstat`, 'utf8').split(' ')[0]))) return null;
  } catch {
    return null;
  }
  return () => othersNs() / 1e9;
}
