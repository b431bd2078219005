// MSE loss forward (a two-pass reduction into stats = [loss, Σ mask]) and backward (dpred), with
// an optional mask. Pipelines compile in prepare(); encode*() add work to a caller's encoder.
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

export const MSE_PARAMS = paramStruct('mse', 'MseParams', [
  ['total', 'u32'],
  ['partials', 'u32'],
  ['seed', 'f32'],
]);

const RWG = 256;
/** First-pass workgroups: each lane sums ≥ 16 elements; at most 256 partials for the last pass. */
export const reductionGroups = (total: number): number => strideGroups(total, RWG * 16, 256);

/** pred, target, mask: [total]; stats: 2 f32 written by the forward as [loss, Σ mask]. */
export interface MseForwardIO {
  readonly pred: GPUBuffer;
  readonly target: GPUBuffer;
  /** Per-element weights (0/1 to mask); omitted: every element counts once. */
  readonly mask?: GPUBuffer;
  readonly stats: GPUBuffer;
}

export interface MseBackwardIO extends MseForwardIO {
  readonly dpred: GPUBuffer;
}

export class Mse {
  private partials: GPUBuffer | undefined;

  private constructor(
    private readonly gpu: Gpu,
    private readonly p: Readonly<
      Record<'partial' | 'partialMasked' | 'finalize' | 'backward' | 'backwardMasked', GPUComputePipeline>
    >,
  ) {}

  static async prepare(gpu: Gpu): Promise<Mse> {
    const get = (entry: string): Promise<GPUComputePipeline> => gpu.pipelines.pipeline('mse', entry);
    const [partial, partialMasked, finalize, backward, backwardMasked] = await Promise.all([
      get('mse_partial'),
      get('mse_partial_masked'),
      get('mse_finalize'),
      get('mse_backward'),
      get('mse_backward_masked'),
    ]);
    return new Mse(gpu, { partial, partialMasked, finalize, backward, backwardMasked });
  }

  private check(total: number, io: MseForwardIO & { dpred?: GPUBuffer }): void {
    requireDim(total, 'mse length');
    const s = `[${total}]`;
    requireF32(this.gpu, io.pred, total, 'mse pred', s);
    requireF32(this.gpu, io.target, total, 'mse target', s);
    if (io.mask) requireF32(this.gpu, io.mask, total, 'mse mask', s);
    if (io.dpred) requireF32(this.gpu, io.dpred, total, 'mse dpred', s);
    requireF32(this.gpu, io.stats, 2, 'mse stats', '[2]');
  }

  /** stats = [loss, Σ mask] for pred vs target. */
  encode(encoder: GPUCommandEncoder, io: MseForwardIO, total: number): void {
    this.check(total, io);
    const groups = reductionGroups(total);
    const partials = this.partialBuffer();
    const params = paramBuffer(this.gpu, MSE_PARAMS, { total, partials: groups, seed: 1 });
    const inputs = [
      [0, params],
      [1, io.pred],
      [2, io.target],
    ] as const;
    encodePass(this.gpu, encoder, 'mse forward', [
      io.mask
        ? { pipeline: this.p.partialMasked, bindings: [...inputs, [3, io.mask], [4, partials]], groups: [groups] }
        : { pipeline: this.p.partial, bindings: [...inputs, [4, partials]], groups: [groups] },
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
  encodeBackward(encoder: GPUCommandEncoder, io: MseBackwardIO, total: number, seed = 1): void {
    this.check(total, io);
    for (const b of [io.pred, io.target, io.stats, io.mask])
      if (b) requireDistinct(b, io.dpred, 'mse dpred and an input');
    const params = paramBuffer(this.gpu, MSE_PARAMS, { total, partials: 0, seed });
    const inputs = [
      [0, params],
      [1, io.pred],
      [2, io.target],
      [7, io.stats],
      [8, io.dpred],
    ] as const;
    const groups = [strideGroups(total, RWG)] as const;
    encodePass(this.gpu, encoder, 'mse backward', [
      io.mask
        ? { pipeline: this.p.backwardMasked, bindings: [...inputs, [3, io.mask]], groups }
        : { pipeline: this.p.backward, bindings: inputs, groups },
    ]);
  }

  run(io: MseForwardIO, total: number): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encode(e, io, total));
  }

  runBackward(io: MseBackwardIO, total: number, seed = 1): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encodeBackward(e, io, total, seed));
  }

  /** Partial-sum scratch (vec2 per workgroup, max 256), reused across calls in queue order. */
  private partialBuffer(): GPUBuffer {
    this.partials ??= this.gpu.device.createBuffer({ label: 'mse partials', size: 256 * 8, usage: SCRATCH_USAGE });
    return this.partials;
  }

  destroy(): void {
    this.partials?.destroy();
  }
}
