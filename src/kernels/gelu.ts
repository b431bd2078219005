// GELU forward (y = gelu(x)) and backward (dx = dy·gelu'(x)), tanh approximation as in GPT-2.
// Pipelines compile in prepare(); record*() add work to a caller's encoder.
import type { Gpu } from './device.ts';
import { paramBuffer, paramStruct } from './op-params.ts';
import { recordPass, requireDim, requireDistinct, requireF32, strideGroups, submitAndWait } from './op-support.ts';

export const GELU_PARAMS = paramStruct('gelu', 'GeluParams', [['total', 'u32']]);

const WG = 256;

export class Gelu {
  private constructor(
    private readonly gpu: Gpu,
    private readonly fwd: GPUComputePipeline,
    private readonly bwd: GPUComputePipeline,
  ) {}

  static async prepare(gpu: Gpu): Promise<Gelu> {
    const [f, b] = await Promise.all([
      gpu.pipelines.pipeline('gelu', 'gelu_forward', { WG }),
      gpu.pipelines.pipeline('gelu', 'gelu_backward', { WG }),
    ]);
    return new Gelu(gpu, f, b);
  }

  private check(total: number, bufs: Record<string, GPUBuffer>): GPUBuffer {
    requireDim(total, 'gelu length');
    for (const [name, buf] of Object.entries(bufs)) requireF32(this.gpu, buf, total, `gelu ${name}`, `[${total}]`);
    return paramBuffer(this.gpu, GELU_PARAMS, { total });
  }

  /** y = gelu(x) over `total` f32 values (x is kept: the backward needs it). */
  record(encoder: GPUCommandEncoder, io: { x: GPUBuffer; y: GPUBuffer }, total: number): void {
    requireDistinct(io.x, io.y, 'gelu x and y');
    const params = this.check(total, io);
    recordPass(this.gpu, encoder, 'gelu forward', [
      { pipeline: this.fwd, bindings: [[0, params], [1, io.x], [2, io.y]], groups: [strideGroups(total, WG)] },
    ]);
  }

  /** dx = dy·gelu'(x). */
  recordBackward(encoder: GPUCommandEncoder, io: { x: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer }, total: number): void {
    requireDistinct(io.dy, io.dx, 'gelu dy and dx');
    requireDistinct(io.x, io.dx, 'gelu x and dx');
    const params = this.check(total, io);
    recordPass(this.gpu, encoder, 'gelu backward', [
      { pipeline: this.bwd, bindings: [[0, params], [1, io.x], [3, io.dy], [4, io.dx]], groups: [strideGroups(total, WG)] },
    ]);
  }

  run(io: { x: GPUBuffer; y: GPUBuffer }, total: number): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.record(e, io, total));
  }

  runBackward(io: { x: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer }, total: number): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.recordBackward(e, io, total));
  }
}
