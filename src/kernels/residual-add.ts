// Residual add of two equal-length f32 buffers: out = x + y, or in place acc += y (the residual
// stream of a pre-norm block). Its backward is the identity (both inputs get dout), so no kernel.
import type { Gpu } from './device.ts';
import { paramBuffer, paramStruct } from './op-params.ts';
import { recordPass, requireDim, requireDistinct, requireF32, strideGroups, submitAndWait } from './op-support.ts';

export const RESIDUAL_ADD_PARAMS = paramStruct('residual_add', 'ResidualAddParams', [['total', 'u32']]);

const WG = 256;

export class ResidualAdd {
  private constructor(
    private readonly gpu: Gpu,
    private readonly outOfPlace: GPUComputePipeline,
    private readonly inPlace: GPUComputePipeline,
  ) {}

  static async prepare(gpu: Gpu): Promise<ResidualAdd> {
    const [a, b] = await Promise.all([
      gpu.pipelines.pipeline('residual_add', 'residual_add', { WG }),
      gpu.pipelines.pipeline('residual_add', 'residual_add_inplace', { WG }),
    ]);
    return new ResidualAdd(gpu, a, b);
  }

  private check(total: number, bufs: Record<string, GPUBuffer>): void {
    requireDim(total, 'residualAdd length');
    for (const [name, buf] of Object.entries(bufs)) requireF32(this.gpu, buf, total, `residualAdd ${name}`, `[${total}]`);
  }

  /** out = x + y, each `total` f32 values. */
  record(encoder: GPUCommandEncoder, io: { x: GPUBuffer; y: GPUBuffer; out: GPUBuffer }, total: number): void {
    requireDistinct(io.x, io.out, 'residualAdd x and out');
    requireDistinct(io.y, io.out, 'residualAdd y and out');
    this.check(total, io);
    const params = paramBuffer(this.gpu, RESIDUAL_ADD_PARAMS, { total });
    recordPass(this.gpu, encoder, 'residual add', [
      { pipeline: this.outOfPlace, bindings: [[0, params], [1, io.x], [2, io.y], [3, io.out]], groups: [strideGroups(total, WG)] },
    ]);
  }

  /** acc += y in place. */
  recordInPlace(encoder: GPUCommandEncoder, io: { acc: GPUBuffer; y: GPUBuffer }, total: number): void {
    requireDistinct(io.acc, io.y, 'residualAdd acc and y');
    this.check(total, io);
    const params = paramBuffer(this.gpu, RESIDUAL_ADD_PARAMS, { total });
    recordPass(this.gpu, encoder, 'residual add in place', [
      { pipeline: this.inPlace, bindings: [[0, params], [2, io.y], [4, io.acc]], groups: [strideGroups(total, WG)] },
    ]);
  }

  run(io: { x: GPUBuffer; y: GPUBuffer; out: GPUBuffer }, total: number): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.record(e, io, total));
  }

  runInPlace(io: { acc: GPUBuffer; y: GPUBuffer }, total: number): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.recordInPlace(e, io, total));
  }
}
