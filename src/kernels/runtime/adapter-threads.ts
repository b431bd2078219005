// The threads a CPU adapter runs on: those that appeared in this process while a device was being
// requested (llvmpipe creates its worker pool and lavapipe its queue thread then). Timing a CPU
// adapter's work by their CPU seconds leaves out everything else the process does at the same
// time: the JavaScript thread's encoding and event poll, V8's garbage collector (its helper
// threads exist from start-up), libuv's pool. Linux only (/proc/self/task); empty elsewhere.
import { readdirSync } from 'node:fs';

const TASKS = '/proc/self/task';
const adapterThreads = new Set<string>();

/** This process's thread ids now ([] where /proc/self/task is not readable). */
export function threadIds(): string[] {
  try {
    return readdirSync(TASKS);
  } catch {
    return [];
  }
}

/** Records the threads that are in `after` but not in `before` as adapter threads. */
export function recordAdapterThreads(before: readonly string[], after: readonly string[]): void {
  const old = new Set(before);
  for (const tid of after) if (!old.has(tid) && tid !== String(process.pid)) adapterThreads.add(tid);
}

/** Thread ids recorded while devices were opened, for the life of the process. */
export function adapterThreadIds(): ReadonlySet<string> {
  return adapterThreads;
}
