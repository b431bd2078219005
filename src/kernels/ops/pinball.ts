// Pinball (quantile) loss forward (a two-pass reduction into stats = [loss, Σ mask]) and backward
// (dpred) for Q ≤ 4 quantile forecasts per row. Pipelines compile in prepare(); encode*() add work
// to a caller's encoder. The forecaster's loss (docs/train.md): P10, P50 and P90 of each hour.
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
import { SCRATCH_USAGE } from '../runtime/usage.ts';
import { reductionGroups } from './mse.ts';

export const PINBALL_PARAMS = paramStruct('pinball', 'PinballParams', [
  ['rows', 'u32'],
  ['partials', 'u32'],
  ['quantiles', 'u32'],
  ['seed', 'f32'],
  ['tau0', 'f32'],
  ['tau1', 'f32'],
  ['tau2', 'f32'],
  ['tau3', 'f32'],
]);

const RWG = 256;
export const PINBALL_MAX_QUANTILES = 4;

/** pred [rows, Q]; target, mask [rows]; stats: 2 f32 written by the forward as [loss, Σ mask]. */
export interface PinballForwardIO {
  readonly pred: GPUBuffer;
  readonly target: GPUBuffer;
  readonly mask: GPUBuffer;
  readonly stats: GPUBuffer;
}

export interface PinballBackwardIO extends PinballForwardIO {
  readonly dpred: GPUBuffer;
}

/** Rows and the quantile levels τ (each in (0, 1)); Q = taus.length ≤ 4. */
export interface PinballShape {
  readonly rows: number;
  readonly taus: readonly number[];
}

export class Pinball {
  private partials: GPUBuffer | undefined;

  private constructor(
    private readonly gpu: Gpu,
    private readonly p: Readonly<Record<'partial' | 'finalize' | 'backward', GPUComputePipeline>>,
  ) {}

  static async prepare(gpu: Gpu): Promise<Pinball> {
    const get = (entry: string): Promise<GPUComputePipeline> => gpu.pipelines.pipeline('pinball', entry);
    const [partial, finalize, backward] = await Promise.all([
      get('pinball_partial'),
      get('pinball_finalize'),
      get('pinball_backward'),
    ]);
    return new Pinball(gpu, { partial, finalize, backward });
  }

  private check(s: PinballShape, io: PinballForwardIO & { dpred?: GPUBuffer }): void {
    requireDim(s.rows, 'pinball rows');
    const Q = s.taus.length;
    if (Q < 1 || Q > PINBALL_MAX_QUANTILES || !s.taus.every((t) => t > 0 && t < 1)) {
      throw new RangeError(`pinball taus [${s.taus.join(', ')}]: expected 1–4 quantile levels, each in (0, 1)`);
    }
    const rows = `[${s.rows}]`;
    const preds = `[${s.rows}, ${Q}]`;
    requireF32(this.gpu, io.pred, s.rows * Q, 'pinball pred', preds);
    requireF32(this.gpu, io.target, s.rows, 'pinball target', rows);
    requireF32(this.gpu, io.mask, s.rows, 'pinball mask', rows);
    if (io.dpred) requireF32(this.gpu, io.dpred, s.rows * Q, 'pinball dpred', preds);
    requireF32(this.gpu, io.stats, 2, 'pinball stats', '[2]');
  }

  private params(s: PinballShape, partials: number, seed: number): GPUBuffer {
    const [tau0 = 0, tau1 = 0, tau2 = 0, tau3 = 0] = s.taus;
    return paramBuffer(this.gpu, PINBALL_PARAMS, {
      rows: s.rows,
      partials,
      quantiles: s.taus.length,
      seed,
      tau0,
      tau1,
      tau2,
      tau3,
    });
  }

  /** stats = [loss, Σ mask]. */
  encode(encoder: GPUCommandEncoder, io: PinballForwardIO, s: PinballShape): void {
    this.check(s, io);
    const groups = reductionGroups(s.rows);
    const partials = this.partialBuffer();
    const params = this.params(s, groups, 1);
    encodePass(this.gpu, encoder, 'pinball forward', [
      {
        pipeline: this.p.partial,
        bindings: [
          [0, params],
          [1, io.pred],
          [2, io.target],
          [3, io.mask],
          [4, partials],
        ],
        groups: [groups],
      },
      {
        pipeline: this.p.finalize,
        bindings: [
          [0, params],
          [5, partials],
          [6, io.stats],
        ],
        groups: [1],
      },
    ]);
  }

  /** dpred = seed·∂loss/∂pred, reading Σ mask from the forward's stats. */
  encodeBackward(encoder: GPUCommandEncoder, io: PinballBackwardIO, s: PinballShape, seed = 1): void {
    this.check(s, io);
    for (const b of [io.pred, io.target, io.stats, io.mask]) requireDistinct(b, io.dpred, 'pinball dpred and an input');
    const params = this.params(s, 0, seed);
    encodePass(this.gpu, encoder, 'pinball backward', [
      {
        pipeline: this.p.backward,
        bindings: [
          [0, params],
          [1, io.pred],
          [2, io.target],
          [3, io.mask],
          [7, io.stats],
          [8, io.dpred],
        ],
        groups: [strideGroups(s.rows * s.taus.length, RWG)],
      },
    ]);
  }

  run(io: PinballForwardIO, s: PinballShape): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encode(e, io, s));
  }

  runBackward(io: PinballBackwardIO, s: PinballShape, seed = 1): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encodeBackward(e, io, s, seed));
  }

  private partialBuffer(): GPUBuffer {
    this.partials ??= this.gpu.device.createBuffer({
      label: 'pinball partials',
      size: 256 * 8,
      usage: SCRATCH_USAGE,
    });
    return this.partials;
  }

  destroy(): void {
    this.partials?.destroy();
  }
}
