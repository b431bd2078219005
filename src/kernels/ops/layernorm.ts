// Layer norm forward (saves mean and rstd per row) and backward (dx; dgamma and dbeta by chunked
// column sums). Pipelines compile in prepare(); encode*() add work to a caller's encoder.
import { ColumnSum, chunkRows } from './column-sum.ts';
import type { Gpu } from '../runtime/device.ts';
import { ShapeError } from '../runtime/errors.ts';
import { paramBuffer, paramStruct } from '../runtime/uniforms.ts';
import {
  encodePass,
  requireDim,
  requireF32,
  requireGroups,
  submitAndWait,
  type DispatchSpec,
} from '../runtime/op-support.ts';
import { SCRATCH_USAGE } from '../runtime/usage.ts';

export const LAYER_NORM_PARAMS = paramStruct('layernorm', 'LayerNormParams', [
  ['rows', 'u32'],
  ['cols', 'u32'],
  ['eps', 'f32'],
  ['rows_per_chunk', 'u32'],
]);

const WG = 64;

export interface LayerNormShape {
  readonly rows: number;
  readonly cols: number;
  /** Added to the variance before the square root; default 1e-5 (PyTorch's default). */
  readonly eps?: number;
}

/** x, y: [rows, cols]; gamma, beta: [cols]; mean, rstd: [rows] (written, for the backward). */
export interface LayerNormForwardIO {
  readonly x: GPUBuffer;
  readonly gamma: GPUBuffer;
  readonly beta: GPUBuffer;
  readonly y: GPUBuffer;
  readonly mean: GPUBuffer;
  readonly rstd: GPUBuffer;
}

/** dx: [rows, cols], dgamma, dbeta: [cols] are overwritten (not accumulated). */
export interface LayerNormBackwardIO {
  readonly x: GPUBuffer;
  readonly gamma: GPUBuffer;
  readonly mean: GPUBuffer;
  readonly rstd: GPUBuffer;
  readonly dy: GPUBuffer;
  readonly dx: GPUBuffer;
  readonly dgamma: GPUBuffer;
  readonly dbeta: GPUBuffer;
}

export class LayerNorm {
  private partials: [GPUBuffer?, GPUBuffer?] = [];
  private readonly retired: GPUBuffer[] = [];

  private constructor(
    private readonly gpu: Gpu,
    private readonly p: Readonly<Record<'fwd' | 'fwd4' | 'bwd' | 'bwd4' | 'paramGrad', GPUComputePipeline>>,
    private readonly columnSum: ColumnSum,
  ) {}

  static async prepare(gpu: Gpu): Promise<LayerNorm> {
    const get = (entry: string): Promise<GPUComputePipeline> => gpu.pipelines.pipeline('layernorm', entry, { WG });
    const [fwd, fwd4, bwd, bwd4, paramGrad, columnSum] = await Promise.all([
      get('layernorm_forward'),
      get('layernorm_forward_vec4'),
      get('layernorm_backward'),
      get('layernorm_backward_vec4'),
      get('layernorm_param_grad'),
      ColumnSum.prepare(gpu),
    ]);
    return new LayerNorm(gpu, { fwd, fwd4, bwd, bwd4, paramGrad }, columnSum);
  }

  private check(shape: LayerNormShape, bufs: Record<string, GPUBuffer>): void {
    requireDim(shape.rows, 'layerNorm rows');
    requireDim(shape.cols, 'layerNorm cols');
    const eps = shape.eps ?? 1e-5;
    if (!(eps >= 0 && Number.isFinite(eps)))
      throw new ShapeError(`layerNorm eps = ${eps}: expected a finite value >= 0`);
    const { rows, cols } = shape;
    const perRow = new Set(['mean', 'rstd']);
    const perCol = new Set(['gamma', 'beta', 'dgamma', 'dbeta']);
    for (const [name, buf] of Object.entries(bufs)) {
      const [count, s] = perRow.has(name)
        ? [rows, `[${rows}]`]
        : perCol.has(name)
          ? [cols, `[${cols}]`]
          : [rows * cols, `[${rows}, ${cols}]`];
      requireF32(this.gpu, buf, count, `layerNorm ${name}`, s);
    }
  }

  /** A 1-D grid of row lanes, folded into 2-D past the per-dimension workgroup limit. */
  private rowGrid(rows: number): [number, number] {
    const groups = Math.ceil(rows / WG);
    const limit = this.gpu.adapter.limits['maxComputeWorkgroupsPerDimension'] ?? 65535;
    const x = Math.min(groups, limit);
    const y = Math.ceil(groups / x);
    requireGroups(this.gpu, y, `layerNorm over ${rows} rows`);
    return [x, y];
  }

  private params(shape: LayerNormShape, rowsPerChunk: number): GPUBuffer {
    const { rows, cols } = shape;
    return paramBuffer(this.gpu, LAYER_NORM_PARAMS, {
      rows,
      cols,
      eps: shape.eps ?? 1e-5,
      rows_per_chunk: rowsPerChunk,
    });
  }

  encode(encoder: GPUCommandEncoder, io: LayerNormForwardIO, shape: LayerNormShape): void {
    this.check(shape, { ...io });
    // vec4 views (bindings 13–18) when rows are whole quads.
    const v = shape.cols % 4 === 0;
    const bindings = [
      [0, this.params(shape, 0)],
      [v ? 13 : 1, io.x],
      [v ? 14 : 2, io.gamma],
      [v ? 15 : 3, io.beta],
      [v ? 16 : 4, io.y],
      [5, io.mean],
      [6, io.rstd],
    ] as const;
    const pipeline = v ? this.p.fwd4 : this.p.fwd;
    encodePass(this.gpu, encoder, 'layer norm forward', [{ pipeline, bindings, groups: this.rowGrid(shape.rows) }]);
  }

  encodeBackward(encoder: GPUCommandEncoder, io: LayerNormBackwardIO, shape: LayerNormShape): void {
    this.check(shape, { ...io });
    const { rows, cols } = shape;
    const v = cols % 4 === 0;
    const dxPass: DispatchSpec = {
      pipeline: v ? this.p.bwd4 : this.p.bwd,
      bindings: [
        [0, this.params(shape, 0)],
        [v ? 13 : 1, io.x],
        [v ? 14 : 2, io.gamma],
        [7, io.mean],
        [8, io.rstd],
        [v ? 17 : 9, io.dy],
        [v ? 18 : 10, io.dx],
      ],
      groups: this.rowGrid(rows),
    };
    const per = chunkRows(rows);
    const chunks = Math.ceil(rows / per);
    requireGroups(this.gpu, chunks, `layerNorm param grad over ${rows} rows`);
    const [gPart, bPart] = chunks === 1 ? [io.dgamma, io.dbeta] : this.partialBuffers(chunks * cols);
    const partPass: DispatchSpec = {
      pipeline: this.p.paramGrad,
      bindings: [
        [0, this.params(shape, per)],
        [1, io.x],
        [7, io.mean],
        [8, io.rstd],
        [9, io.dy],
        [11, gPart],
        [12, bPart],
      ],
      groups: [Math.ceil(cols / WG), chunks],
    };
    // More than one chunk: sum the chunk partials (the ColumnSum scratch is reused in queue order).
    const finish =
      chunks === 1
        ? []
        : [
            ...this.columnSum.dispatches(gPart, io.dgamma, chunks, cols, 'layerNorm dgamma'),
            ...this.columnSum.dispatches(bPart, io.dbeta, chunks, cols, 'layerNorm dbeta'),
          ];
    encodePass(this.gpu, encoder, 'layer norm backward', [dxPass, partPass, ...finish]);
  }

  run(io: LayerNormForwardIO, shape: LayerNormShape): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encode(e, io, shape));
  }

  runBackward(io: LayerNormBackwardIO, shape: LayerNormShape): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encodeBackward(e, io, shape));
  }

  /** Two [chunks, cols] partial buffers (dgamma, dbeta), grown on demand; see ColumnSum on reuse. */
  private partialBuffers(count: number): [GPUBuffer, GPUBuffer] {
    const [g, b] = this.partials;
    if (g && b && g.size >= count * 4) return [g, b];
    if (g && b) this.retired.push(g, b);
    const make = (label: string): GPUBuffer =>
      this.gpu.device.createBuffer({ label, size: count * 4, usage: SCRATCH_USAGE });
    const fresh: [GPUBuffer, GPUBuffer] = [make('layer-norm dgamma partials'), make('layer-norm dbeta partials')];
    this.partials = fresh;
    return fresh;
  }

  destroy(): void {
    for (const b of this.retired) b.destroy();
    for (const b of this.partials) b?.destroy();
    this.columnSum.destroy();
  }
}
