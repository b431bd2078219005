// The gate's instruments on a real adapter: the dispatch counter sees every compute dispatch
// (one per dispatchWorkgroups call), the frozen calibration (bench/calibration/) runs and times, and
// on a CPU adapter the adapter-CPU clock counts the adapter's work but not the JavaScript thread's.
import { expect, it } from 'vitest';
import { adapterCpuClock } from '../../src/bench/gate/adapter-cpu.ts';
import { measureCalibration, pairedWithGpuCalibration } from '../../src/bench/gate/calibration.ts';
import { isCpuAdapter } from '../../src/kernels/index.ts';
import { DispatchCounter } from '../../src/bench/gate/kernels.ts';
import { describeGpu } from '../support/gpu.ts';

describeGpu('gate instruments', (gpu) => {
  it('counts each dispatchWorkgroups call once', () => {
    const counter = new DispatchCounter(gpu());
    const device = gpu().device;
    const module = device.createShaderModule({ code: '@compute @workgroup_size(1) fn main() {}' });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    const before = counter.count;
    pass.dispatchWorkgroups(1);
    pass.dispatchWorkgroups(2, 1, 1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    expect(counter.count - before).toBe(2);
  });

  it('times the frozen CPU loop and calibration kernel', async () => {
    const cal = await measureCalibration(gpu(), 3);
    for (const s of [cal.cpuSeconds, cal.gpuSeconds]) {
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThan(0);
    }
  }, 60_000);

  it.runIf(process.platform === 'linux')(
    'counts the adapter threads’ CPU time, not the JavaScript thread’s',
    async () => {
      const clock = adapterCpuClock();
      // A CPU adapter's device always brings its worker threads; a GPU driver may add none.
      if (isCpuAdapter(gpu().adapter)) expect(clock).not.toBeNull();
      if (!clock) return;
      // 300 ms of busy work on this (the calling) thread: not adapter work.
      const c0 = clock();
      const t0 = performance.now();
      let x = 0;
      while (performance.now() - t0 < 300) x += Math.sqrt(x + 1);
      expect(x).toBeGreaterThan(0);
      expect(clock() - c0).toBeLessThan(0.1);
      if (!isCpuAdapter(gpu().adapter)) return;
      // The calibration kernel's work lands on the adapter's threads: it advances the clock, and the
      // paired timing reports it for both tasks (here the same kernel twice, so a ratio near 1).
      const noop = async (): Promise<void> => {};
      const paired = await pairedWithGpuCalibration(gpu(), 'nothing', noop, 2, clock);
      expect(paired.cpu).toBeDefined();
      expect(paired.cpu?.calibrationSeconds ?? 0).toBeGreaterThan(0);
      const cal = await measureCalibration(gpu(), 3);
      const w0 = clock();
      await pairedWithGpuCalibration(gpu(), 'nothing', noop, 1, clock);
      expect(clock() - w0).toBeGreaterThan(0.5 * Math.min(cal.gpuSeconds, paired.cpu?.calibrationSeconds ?? 1));
    },
    60_000,
  );
});
