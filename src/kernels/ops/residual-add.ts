// Residual add of two equal-length f32 buffers: out = x + y, or in place acc += y (the residual
// stream of a pre-norm block). Its backward is the identity (both inputs get dout), so no kernel.
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

export const RESIDUAL_ADD_PARAMS = paramStruct('residual-add', 'ResidualAddParams', [
  ['total', 'u32'],
  ['first', 'u32'],
]);

const WG = 256;

interface ResidualPipelines {
  readonly add: GPUComputePipeline;
  readonly add4: GPUComputePipeline;
  readonly inPlace: GPUComputePipeline;
  readonly inPlace4: GPUComputePipeline;
}

export class ResidualAdd {
  private constructor(
    private readonly gpu: Gpu,
    private readonly p: ResidualPipelines,
  ) {}

  static async prepare(gpu: Gpu): Promise<ResidualAdd> {
    const get = (entry: string): Promise<GPUComputePipeline> => gpu.pipelines.pipeline('residual-add', entry, { WG });
    const [add, add4, inPlace, inPlace4] = await Promise.all([
      get('residual_add'),
      get('residual_add_vec4'),
      get('residual_add_inplace'),
      get('residual_add_inplace_vec4'),
    ]);
    return new ResidualAdd(gpu, { add, add4, inPlace, inPlace4 });
  }

  private check(total: number, bufs: Record<string, GPUBuffer>): void {
    requireDim(total, 'residualAdd length');
    for (const [name, buf] of Object.entries(bufs))
      requireF32(this.gpu, buf, total, `residualAdd ${name}`, `[${total}]`);
  }

  /** out = x + y, each `total` f32 values. */
  encode(encoder: GPUCommandEncoder, io: { x: GPUBuffer; y: GPUBuffer; out: GPUBuffer }, total: number): void {
    requireDistinct(io.x, io.out, 'residualAdd x and out');
    requireDistinct(io.y, io.out, 'residualAdd y and out');
    this.check(total, io);
    const dispatches = splitFlat(total, WG, ({ vec4, first }) => ({
      pipeline: vec4 ? this.p.add4 : this.p.add,
      bindings: [
        [0, paramBuffer(this.gpu, RESIDUAL_ADD_PARAMS, { total, first })],
        [vec4 ? 5 : 1, io.x],
        [vec4 ? 6 : 2, io.y],
        [vec4 ? 7 : 3, io.out],
      ],
    }));
    encodePass(this.gpu, encoder, 'residual add', dispatches);
  }

  /** acc += y in place. */
  encodeInPlace(encoder: GPUCommandEncoder, io: { acc: GPUBuffer; y: GPUBuffer }, total: number): void {
    requireDistinct(io.acc, io.y, 'residualAdd acc and y');
    this.check(total, io);
    const dispatches = splitFlat(total, WG, ({ vec4, first }) => ({
      pipeline: vec4 ? this.p.inPlace4 : this.p.inPlace,
      bindings: [
        [0, paramBuffer(this.gpu, RESIDUAL_ADD_PARAMS, { total, first })],
        [vec4 ? 6 : 2, io.y],
        [vec4 ? 8 : 4, io.acc],
      ],
    }));
    encodePass(this.gpu, encoder, 'residual add in place', dispatches);
  }

  run(io: { x: GPUBuffer; y: GPUBuffer; out: GPUBuffer }, total: number): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encode(e, io, total));
  }

  runInPlace(io: { acc: GPUBuffer; y: GPUBuffer }, total: number): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encodeInPlace(e, io, total));
  }
}
