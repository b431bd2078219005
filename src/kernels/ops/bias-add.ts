// Bias add (y = x + bias over rows of [N, C], out of place or in place) and its gradient
// (db = column sums of dy). Pipelines compile in prepare(); encode*() add work to an encoder.
import { ColumnSum } from './column-sum.ts';
import type { Gpu } from '../runtime/device.ts';
import { paramBuffer, paramStruct } from '../runtime/uniforms.ts';
import {
  encodePass,
  requireDim,
  requireDistinct,
  requireF32,
  strideGroups,
  submitAndWait,
} from '../runtime/op-support.ts';

export const BIAS_ADD_PARAMS = paramStruct('bias-add', 'BiasAddParams', [
  ['total', 'u32'],
  ['cols', 'u32'],
]);

const WG = 256;

/** Rows × columns of the activation: x, y, dy are [rows, cols]; bias and db are [cols]. */
export interface RowsCols {
  readonly rows: number;
  readonly cols: number;
}

export class BiasAdd {
  private constructor(
    private readonly gpu: Gpu,
    private readonly p: Readonly<Record<'add' | 'add4' | 'inPlace' | 'inPlace4', GPUComputePipeline>>,
    private readonly columnSum: ColumnSum,
  ) {}

  static async prepare(gpu: Gpu): Promise<BiasAdd> {
    const get = (entry: string): Promise<GPUComputePipeline> => gpu.pipelines.pipeline('bias-add', entry, { WG });
    const [add, add4, inPlace, inPlace4, columnSum] = await Promise.all([
      get('bias_add'),
      get('bias_add_vec4'),
      get('bias_add_inplace'),
      get('bias_add_inplace_vec4'),
      ColumnSum.prepare(gpu),
    ]);
    return new BiasAdd(gpu, { add, add4, inPlace, inPlace4 }, columnSum);
  }

  private check(shape: RowsCols, bias: GPUBuffer, act: Record<string, GPUBuffer>): number {
    requireDim(shape.rows, 'biasAdd rows');
    requireDim(shape.cols, 'biasAdd cols');
    const s = `[${shape.rows}, ${shape.cols}]`;
    for (const [name, buf] of Object.entries(act))
      requireF32(this.gpu, buf, shape.rows * shape.cols, `biasAdd ${name}`, s);
    requireF32(this.gpu, bias, shape.cols, 'biasAdd bias', `[${shape.cols}]`);
    return shape.rows * shape.cols;
  }

  /** y = x + bias (x, y: [rows, cols]; bias: [cols]). */
  encode(encoder: GPUCommandEncoder, io: { x: GPUBuffer; bias: GPUBuffer; y: GPUBuffer }, shape: RowsCols): void {
    requireDistinct(io.x, io.y, 'biasAdd x and y');
    const total = this.check(shape, io.bias, { x: io.x, y: io.y });
    const params = paramBuffer(this.gpu, BIAS_ADD_PARAMS, { total, cols: shape.cols });
    // vec4 views need whole rows of quads: C % 4 == 0 (bindings 5–8 mirror 1–4).
    const v = shape.cols % 4 === 0 ? 4 : 0;
    encodePass(this.gpu, encoder, 'bias add', [
      {
        pipeline: v ? this.p.add4 : this.p.add,
        bindings: [
          [0, params],
          [1 + v, io.x],
          [2 + v, io.bias],
          [3 + v, io.y],
        ],
        groups: [strideGroups(v ? total / 4 : total, WG)],
      },
    ]);
  }

  /** xy += bias in place. */
  encodeInPlace(encoder: GPUCommandEncoder, io: { xy: GPUBuffer; bias: GPUBuffer }, shape: RowsCols): void {
    const total = this.check(shape, io.bias, { xy: io.xy });
    const params = paramBuffer(this.gpu, BIAS_ADD_PARAMS, { total, cols: shape.cols });
    const v = shape.cols % 4 === 0 ? 4 : 0;
    encodePass(this.gpu, encoder, 'bias add in place', [
      {
        pipeline: v ? this.p.inPlace4 : this.p.inPlace,
        bindings: [
          [0, params],
          [2 + v, io.bias],
          [4 + v, io.xy],
        ],
        groups: [strideGroups(v ? total / 4 : total, WG)],
      },
    ]);
  }

  /** dbias = Σ_rows dy (overwrites dbias; dx = dy needs no kernel). */
  encodeGrad(encoder: GPUCommandEncoder, io: { dy: GPUBuffer; dbias: GPUBuffer }, shape: RowsCols): void {
    this.check(shape, io.dbias, { dy: io.dy });
    this.columnSum.encode(encoder, io.dy, io.dbias, shape.rows, shape.cols, 'biasAdd grad');
  }

  run(io: { x: GPUBuffer; bias: GPUBuffer; y: GPUBuffer }, shape: RowsCols): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encode(e, io, shape));
  }

  runInPlace(io: { xy: GPUBuffer; bias: GPUBuffer }, shape: RowsCols): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encodeInPlace(e, io, shape));
  }

  runGrad(io: { dy: GPUBuffer; dbias: GPUBuffer }, shape: RowsCols): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encodeGrad(e, io, shape));
  }

  destroy(): void {
    this.columnSum.destroy();
  }
}
