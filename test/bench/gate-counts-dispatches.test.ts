// The gate's dispatch counter on a real adapter: every compute dispatch is counted once.
import { expect, it } from 'vitest';
import { DispatchCounter } from '../../src/bench/gate/kernels.ts';
import { describeGpu } from '../support/gpu.ts';

describeGpu('gate dispatch counter', (gpu) => {
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
});
