// The runtime opens a WebGPU adapter, reports it, and turns shader errors into clear errors.
import { expect, it } from 'vitest';
import { formatAdapter, readF32, uploadF32 } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

describeGpu('kernels runtime', (gpu) => {
  it('describes the adapter with its features and limits', () => {
    const line = formatAdapter(gpu().adapter);
    expect(line).toContain('maxStorageBufferBindingSize=');
    expect(gpu().adapter.limits['maxComputeInvocationsPerWorkgroup']).toBeGreaterThanOrEqual(256);
  });

  it('round-trips f32 data through a storage buffer', async () => {
    const data = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e3);
    const buffer = uploadF32(gpu(), data);
    const back = await readF32(gpu(), buffer, data.length);
    expect(Array.from(back)).toEqual(Array.from(data));
    buffer.destroy();
  });
});
