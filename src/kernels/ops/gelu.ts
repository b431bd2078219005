// GELU forward (y = gelu(x)) and backward (dx = dy·gelu'(x)), tanh approximation as in GPT-2.
// Pipelines compile in prepare(); encode*() add work to a caller's encoder.
import type { Gpu } from '../runtime/device.ts';
import { paramBuffer, paramStruct } from '../runtime/uniforms.ts';
import {
  encodePass,
  requireDim,
  requireDistinct,
  requireF32,
  splitFlat,
  submitAndWait,
} from '../runtime/op-support.ts';

export const GELU_PARAMS = paramStruct('gelu', 'GeluParams', [
  ['total', 'u32'],
  ['first', 'u32'],
]);

const WG = 256;

interface GeluPipelines {
  readonly forward: GPUComputePipeline;
  readonly forward4: GPUComputePipeline;
  readonly backward: GPUComputePipeline;
  readonly backward4: GPUComputePipeline;
}

export class Gelu {
  private constructor(
    private readonly gpu: Gpu,
    private readonly p: GeluPipelines,
  ) {}

  static async prepare(gpu: Gpu): Promise<Gelu> {
    const get = (entry: string): Promise<GPUComputePipeline> => gpu.pipelines.pipeline('gelu', entry, { WG });
    const [forward, forward4, backward, backward4] = await Promise.all([
      get('gelu_forward'),
      get('gelu_forward_vec4'),
      get('gelu_backward'),
      get('gelu_backward_vec4'),
    ]);
    return new Gelu(gpu, { forward, forward4, backward, backward4 });
  }

  private check(total: number, bufs: Record<string, GPUBuffer>): void {
    requireDim(total, 'gelu length');
    for (const [name, buf] of Object.entries(bufs)) requireF32(this.gpu, buf, total, `gelu ${name}`, `[${total}]`);
  }

  private params(total: number, first: number): GPUBuffer {
    return paramBuffer(this.gpu, GELU_PARAMS, { total, first });
  }

  /** y = gelu(x) over `total` f32 values (x is kept: the backward needs it). */
  encode(encoder: GPUCommandEncoder, io: { x: GPUBuffer; y: GPUBuffer }, total: number): void {
    requireDistinct(io.x, io.y, 'gelu x and y');
    this.check(total, io);
    const dispatches = splitFlat(total, WG, ({ vec4, first }) => ({
      pipeline: vec4 ? this.p.forward4 : this.p.forward,
      bindings: [
        [0, this.params(total, first)],
        [vec4 ? 5 : 1, io.x],
        [vec4 ? 6 : 2, io.y],
      ],
    }));
    encodePass(this.gpu, encoder, 'gelu forward', dispatches);
  }

  /** dx = dy·gelu'(x). */
  encodeBackward(encoder: GPUCommandEncoder, io: { x: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer }, total: number): void {
    requireDistinct(io.dy, io.dx, 'gelu dy and dx');
    requireDistinct(io.x, io.dx, 'gelu x and dx');
    this.check(total, io);
    const dispatches = splitFlat(total, WG, ({ vec4, first }) => ({
      pipeline: vec4 ? this.p.backward4 : this.p.backward,
      bindings: [
        [0, this.params(total, first)],
        [vec4 ? 5 : 1, io.x],
        [vec4 ? 7 : 3, io.dy],
        [vec4 ? 8 : 4, io.dx],
      ],
    }));
    encodePass(this.gpu, encoder, 'gelu backward', dispatches);
  }

  run(io: { x: GPUBuffer; y: GPUBuffer }, total: number): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encode(e, io, total));
  }

  runBackward(io: { x: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer }, total: number): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encodeBackward(e, io, total));
  }
}
