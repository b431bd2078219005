// Global gradient norm over several buffers (per-workgroup partial sums, then one final
// workgroup) into result = [norm, clip scale], and the kernel applying that scale in place.
import type { Gpu } from '../runtime/device.ts';
import { ShapeError } from '../runtime/errors.ts';
import { paramBuffer, paramStruct } from '../runtime/uniforms.ts';
import {
  encodePass,
  requireDim,
  requireF32,
  strideGroups,
  submitAndWait,
  type DispatchSpec,
} from '../runtime/op-support.ts';
import { SCRATCH_USAGE } from '../runtime/usage.ts';

export const GRAD_NORM_PARAMS = paramStruct('gradnorm', 'GradNormParams', [
  ['total', 'u32'],
  ['partial_offset', 'u32'],
  ['partials', 'u32'],
  ['max_norm', 'f32'],
]);

const RWG = 256;
/** First-pass workgroups per buffer: each lane sums ≥ 16 values; at most 256 per buffer. */
const partialGroups = (total: number): number => strideGroups(total, RWG * 16, 256);

/** One gradient buffer and how many f32 values of it count. */
export interface GradSlice {
  readonly buffer: GPUBuffer;
  readonly count: number;
}

export class GradNorm {
  private partials: GPUBuffer | undefined;
  private readonly retired: GPUBuffer[] = [];

  private constructor(
    private readonly gpu: Gpu,
    private readonly partial: GPUComputePipeline,
    private readonly finalize: GPUComputePipeline,
    private readonly scale: GPUComputePipeline,
  ) {}

  static async prepare(gpu: Gpu): Promise<GradNorm> {
    const [a, b, c] = await Promise.all([
      gpu.pipelines.pipeline('gradnorm', 'sumsq_partial'),
      gpu.pipelines.pipeline('gradnorm', 'gradnorm_finalize'),
      gpu.pipelines.pipeline('gradnorm', 'apply_clip_scale'),
    ]);
    return new GradNorm(gpu, a, b, c);
  }

  private check(grads: readonly GradSlice[], result: GPUBuffer): void {
    if (grads.length === 0) throw new ShapeError('gradNorm grads: expected at least one gradient buffer, got none');
    grads.forEach((g, i) => {
      requireDim(g.count, `gradNorm grads[${i}].count`);
      requireF32(this.gpu, g.buffer, g.count, `gradNorm grads[${i}]`, `[${g.count}]`);
    });
    requireF32(this.gpu, result, 2, 'gradNorm result', '[2]');
    // A buffer listed twice would count twice in the norm and be scaled twice by the clip.
    const seen = new Set<GPUBuffer>();
    grads.forEach((g, i) => {
      if (seen.has(g.buffer)) throw new ShapeError(`gradNorm grads[${i}]: buffer '${g.buffer.label}' is listed twice`);
      if (g.buffer === result)
        throw new ShapeError(`gradNorm grads[${i}]: buffer '${g.buffer.label}' is also the result buffer`);
      seen.add(g.buffer);
    });
  }

  /** result = [‖grads‖₂, min(1, maxNorm/(norm + 1e-6))]; maxNorm 0 (default) means scale 1. */
  encode(encoder: GPUCommandEncoder, grads: readonly GradSlice[], result: GPUBuffer, maxNorm = 0): void {
    this.check(grads, result);
    if (!(maxNorm >= 0) || !Number.isFinite(maxNorm))
      throw new ShapeError(`gradNorm maxNorm = ${maxNorm}: expected a finite value >= 0 (0 = no clipping)`);
    const total = grads.reduce((s, g) => s + partialGroups(g.count), 0);
    const partials = this.partialBuffer(total);
    let offset = 0;
    const passes: DispatchSpec[] = grads.map((g) => {
      const groups = partialGroups(g.count);
      const params = paramBuffer(this.gpu, GRAD_NORM_PARAMS, {
        total: g.count,
        partial_offset: offset,
        partials: 0,
        max_norm: 0,
      });
      offset += groups;
      return {
        pipeline: this.partial,
        bindings: [
          [0, params],
          [1, g.buffer],
          [2, partials],
        ],
        groups: [groups],
      };
    });
    const params = paramBuffer(this.gpu, GRAD_NORM_PARAMS, {
      total: 0,
      partial_offset: 0,
      partials: total,
      max_norm: maxNorm,
    });
    passes.push({
      pipeline: this.finalize,
      bindings: [
        [0, params],
        [3, partials],
        [4, result],
      ],
      groups: [1],
    });
    encodePass(this.gpu, encoder, 'grad norm', passes);
  }

  /** g ← g · result[1] for every buffer (result from encode()). */
  encodeClip(encoder: GPUCommandEncoder, grads: readonly GradSlice[], result: GPUBuffer): void {
    this.check(grads, result);
    encodePass(
      this.gpu,
      encoder,
      'grad clip',
      grads.map((g) => ({
        pipeline: this.scale,
        bindings: [
          [0, paramBuffer(this.gpu, GRAD_NORM_PARAMS, { total: g.count, partial_offset: 0, partials: 0, max_norm: 0 })],
          [5, g.buffer],
          [6, result],
        ],
        groups: [strideGroups(g.count, RWG)],
      })),
    );
  }

  /** Norm, then clipping when maxNorm > 0 (the usual trainer call). */
  encodeNormAndClip(encoder: GPUCommandEncoder, grads: readonly GradSlice[], result: GPUBuffer, maxNorm: number): void {
    this.encode(encoder, grads, result, maxNorm);
    if (maxNorm > 0) this.encodeClip(encoder, grads, result);
  }

  run(grads: readonly GradSlice[], result: GPUBuffer, maxNorm = 0): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encodeNormAndClip(e, grads, result, maxNorm));
  }

  /** Scratch for every buffer's partials, grown on demand (see ColumnSum on reuse in one encoder). */
  private partialBuffer(count: number): GPUBuffer {
    if (!this.partials || this.partials.size < count * 4) {
      if (this.partials) this.retired.push(this.partials);
      this.partials = this.gpu.device.createBuffer({
        label: 'grad-norm partials',
        size: Math.max(256, count) * 4,
        usage: SCRATCH_USAGE,
      });
    }
    return this.partials;
  }

  destroy(): void {
    for (const b of this.retired) b.destroy();
    this.partials?.destroy();
  }
}
