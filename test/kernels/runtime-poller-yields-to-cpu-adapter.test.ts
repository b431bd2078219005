// Dawn's Node binding spins the JavaScript thread while GPU work is pending; on a CPU adapter the
// runtime lowers that thread's priority below the adapter's worker threads (src/kernels/runtime/poller.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adapterThreadIds, isCpuAdapter, POLLER_NICE_ENV, yieldPollerToAdapter } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

/** Nice value of one thread of this process (/proc/self/task/<tid>/stat, field 19); null if it ended. */
function niceOf(tid: string): number | null {
  if (!readdirSync('/proc/self/task').includes(tid)) return null;
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describeGpu('the waiting thread yields to a CPU adapter', (gpu) => {
  it.runIf(process.platform === 'linux')(
    'the JavaScript thread runs at nice 19 and the adapter workers keep their priority',
    () => {
      if (!isCpuAdapter(gpu().adapter)) {
        expect(gpu().poller.reason).toMatch(/GPU adapter/);
        return;
      }
      // vitest.config.ts sets WATTRING_POLLER_NICE=0 for the suite, so openGpu left this thread
      // alone; lower it as openGpu does by default, after the device (and its workers) exist.
      expect(gpu().poller.reason).toMatch(/=0/);
      expect(yieldPollerToAdapter(true, {}).nice).toBe(19);
      expect(niceOf(String(process.pid))).toBe(19);
      // The threads that appeared while the first device was requested (llvmpipe's worker pool among
      // them) were created before the drop, so they keep the priority the process started with.
      const workers = [...adapterThreadIds()].map(niceOf).filter((n): n is number => n !== null);
      expect(workers.length).toBeGreaterThan(0);
      expect(workers.filter((n) => n === 0).length).toBeGreaterThanOrEqual(2);
    },
  );
});

describe('yieldPollerToAdapter', () => {
  it('leaves a GPU adapter, a non-Linux platform and WATTRING_POLLER_NICE=0 alone', () => {
    expect(yieldPollerToAdapter(false, {}).reason).toMatch(/GPU adapter/);
    expect(yieldPollerToAdapter(true, {}, 'darwin').reason).toMatch(/darwin/);
    expect(yieldPollerToAdapter(true, { [POLLER_NICE_ENV]: '0' }).reason).toMatch(/=0/);
  });

  it('names the variable when its value is not a nice value', () => {
    for (const bad of ['-1', '20', '3.5', 'high']) {
      expect(() => yieldPollerToAdapter(true, { [POLLER_NICE_ENV]: bad })).toThrow(
        new RegExp(`${POLLER_NICE_ENV} must be an integer.*'${bad.replace('.', '\\.')}'`),
      );
    }
  });
});
