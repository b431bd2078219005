// Uniform layouts come from the shader's struct: offsets follow WGSL's alignment rules, and values
// packed on the host read back unchanged inside a real shader.
import { describe, expect, it } from 'vitest';
import {
  createUniformBuffer,
  packUniforms,
  parseStructLayout,
  readBytes,
  uniformLayout,
} from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

describe('uniform layout parser', () => {
  it('lays out scalars, vec3 and @align/@size members as WGSL does', () => {
    const layout = parseStructLayout(
      `struct P { a: u32, // comment, with a comma
        b: vec3<f32>, c: f32, @size(8) d: i32, e: vec2f, @align(32) f: vec4<u32>, g: f16, }`,
      'P',
    );
    const offsets = Object.fromEntries(layout.fields.map((f) => [f.name, f.offset]));
    // WGSL §13.4: vec3<f32> aligns to 16 (size 12) so c packs right behind it at 28.
    expect(offsets).toEqual({ a: 0, b: 16, c: 28, d: 32, e: 40, f: 64, g: 80 });
    expect(layout.size).toBe(96); // 82 rounded to the struct alignment (32), then to 16
  });

  it('names the struct, field and expected count when values do not fit', () => {
    const layout = parseStructLayout('struct Q { m: u32, v: vec2f }', 'Q');
    expect(() => packUniforms(layout, { m: 1 })).toThrow(/Q\.v was not given/);
    expect(() => packUniforms(layout, { m: 1, v: [1] })).toThrow(/Q\.v \(vec2f\) needs 2 values, got 1/);
    expect(() => packUniforms(layout, { m: -1, v: [1, 2] })).toThrow(/m = -1 is not a u32/);
    expect(() => packUniforms(layout, { m: 1, v: [1, 2], w: 3 })).toThrow(/no field 'w'/);
    expect(() => parseStructLayout('struct R { x: mat2x2<f32> }', 'R')).toThrow(/mat2x2<f32>.*not supported/);
  });
});

describeGpu('uniform layout matches the shader', (gpu) => {
  it('a packed struct reads back field by field inside WGSL', async () => {
    const g = gpu();
    const layout = uniformLayout('runtime-uniform-echo', 'Echo');
    const values = { a: 0xdeadbeef, b: 1.5, c: [-2.25, 3.5, 1e-3], d: -7, e: [11, 4000000000], f: 6.125 };
    const uniforms = createUniformBuffer(g, layout, values);
    const out = g.device.createBuffer({ size: 9 * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const pipeline = await g.pipelines.pipeline('runtime-uniform-echo', 'main');
    const bind = g.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniforms } },
        { binding: 1, resource: { buffer: out } },
      ],
    });
    const encoder = g.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(1);
    pass.end();
    g.device.queue.submit([encoder.finish()]);
    const bytes = await readBytes(g, out, 9 * 4);
    const u = new Uint32Array(bytes);
    const f = new Float32Array(bytes);
    const i = new Int32Array(bytes);
    expect(u[0]).toBe(0xdeadbeef);
    expect([f[1], f[2], f[3], f[4]]).toEqual([1.5, -2.25, 3.5, Math.fround(1e-3)]);
    expect(i[5]).toBe(-7);
    expect([u[6], u[7]]).toEqual([11, 4000000000]);
    expect(f[8]).toBe(6.125);
    uniforms.destroy();
    out.destroy();
  });
});
