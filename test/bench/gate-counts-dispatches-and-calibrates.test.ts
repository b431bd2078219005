// The gate's instruments on a real adapter: the dispatch counter sees every compute dispatch
// (one per dispatchWorkgroups call), and the frozen calibration (bench/calibration/) runs and times.
import { expect, it } from 'vitest';
import { measureCalibration } from '../../src/bench/gate/calibration.ts';
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
});
