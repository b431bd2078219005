// Dawn's Node binding spins the JavaScript thread while GPU work is pending; on a CPU adapter the
// runtime lowers that thread's priority below the adapter's worker threads (src/kernels/runtime/poller.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isCpuAdapter, POLLER_NICE_ENV, yieldPollerToAdapter } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

interface ThreadNice {
  readonly name: string;
  readonly nice: number;
}

/** Every thread of this process with its name and nice value (/proc/self/task/<tid>/stat, field 19). */
function threads(): ThreadNice[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name, nice: Number(fields[16]) };
  });
}

describeGpu('the waiting thread yields to a CPU adapter', (gpu) => {
  it.runIf(process.platform === 'linux')('the JavaScript thread runs at nice 19 and the adapter workers keep their priority', () => {
    if (!isCpuAdapter(gpu().adapter)) {
      expect(gpu().poller.reason).toMatch(/GPU adapter/);
      return;
    }
    expect(gpu().poller.nice).toBe(19);
    const self = readFileSync('/proc/thread-self/stat', 'utf8');
    expect(Number(self.slice(self.lastIndexOf(')') + 2).split(' ')[16])).toBe(19);
    const workers = threads().filter((t) => t.name.startsWith('llvmpipe'));
    expect(workers.length).toBeGreaterThan(0);
    for (const w of workers) expect(w.nice, w.name).toBe(0);
  });
});

describe('yieldPollerToAdapter', () => {
  it('leaves a GPU adapter, a non-Linux platform and WATTRING_POLLER_NICE=0 alone', () => {
    expect(yieldPollerToAdapter(false, {}).reason).toMatch(/GPU adapter/);
    expect(yieldPollerToAdapter(true, {}, 'darwin').reason).toMatch(/darwin/);
    expect(yieldPollerToAdapter(true, { [POLLER_NICE_ENV]: '0' }).reason).toMatch(/=0/);
  });

  it('names the variable when its value is not a nice value', () => {
    for (const bad of ['-1', '20', '3.5', 'high']) {
      expect(() => yieldPollerToAdapter(true, { [POLLER_NICE_ENV]: bad })).toThrow(new RegExp(`${POLLER_NICE_ENV} must be an integer.*'${bad.replace('.', '\\.')}'`));
    }
  });
});
