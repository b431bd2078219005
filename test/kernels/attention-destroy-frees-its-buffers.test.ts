// AttentionKernels.destroy() frees what the kernels object owns: the cached positions buffers and
// every state it created that the caller did not destroy; a destroyed buffer cannot be copied from.
import { beforeAll, expect, it } from 'vitest';
import { createAttentionKernels, type AttentionKernels, type Gpu } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

/** The validation error (or null) of copying 4 bytes out of `source`. */
async function copyError(gpu: Gpu, source: GPUBuffer): Promise<GPUError | null> {
  const target = gpu.device.createBuffer({ size: 4, usage: GPUBufferUsage.COPY_DST });
  gpu.device.pushErrorScope('validation');
  const encoder = gpu.device.createCommandEncoder();
  encoder.copyBufferToBuffer(source, 0, target, 0, 4);
  gpu.device.queue.submit([encoder.finish()]);
  const error = await gpu.device.popErrorScope();
  target.destroy();
  return error;
}

describeGpu('attention kernels destroy their caches', (gpu) => {
  let attn: AttentionKernels;
  beforeAll(async () => {
    // Same configuration as attention-rejects-bad-shapes, so the compiled pipelines are shared.
    attn = await createAttentionKernels(gpu(), { heads: 2, headDim: 16, causal: true });
  });

  it('frees positions and live states, not states the caller already destroyed', async () => {
    const positions = attn.positions(8);
    expect(attn.positions(8)).toBe(positions); // cached per T
    const live = attn.createState(8);
    const gone = attn.createState(4);
    gone.destroy();
    expect(await copyError(gpu(), positions)).toBeNull();
    expect(await copyError(gpu(), live.acc)).toBeNull();
    attn.destroy();
    for (const buffer of [positions, live.m, live.l, live.acc]) {
      expect((await copyError(gpu(), buffer))?.message).toMatch(/destroyed/i);
    }
  });
});
