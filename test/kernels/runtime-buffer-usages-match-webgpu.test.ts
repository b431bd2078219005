// The named buffer-usage and map-mode constants (src/kernels/runtime/usage.ts) carry the same bits
// as Dawn's GPUBufferUsage and GPUMapMode globals.
import { expect, it } from 'vitest';
import { BufferUsage, MapMode } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

describeGpu('buffer usages', () => {
  it('equal the WebGPU globals bit for bit', () => {
    for (const [name, bits] of Object.entries(BufferUsage)) {
      expect(Reflect.get(GPUBufferUsage, name), `GPUBufferUsage.${name}`).toBe(bits);
    }
    for (const [name, bits] of Object.entries(MapMode))
      expect(Reflect.get(GPUMapMode, name), `GPUMapMode.${name}`).toBe(bits);
  });
});
