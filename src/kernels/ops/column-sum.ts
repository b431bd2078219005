// Column sums of a [rows, cols] matrix on the GPU in two passes (chunks of ~√rows rows, then the
// chunk partials), so neither pass loops over all rows. Used by the bias and layer-norm gradients.
import type { Gpu } from '../runtime/device.ts';
import { paramBuffer, paramStruct } from '../runtime/uniforms.ts';
import { encodePass, requireGroups, type DispatchSpec } from '../runtime/op-support.ts';
import { SCRATCH_USAGE } from '../runtime/usage.ts';

export const COLUMN_SUM_PARAMS = paramStruct('column-sum', 'ColumnSumParams', [
  ['rows', 'u32'],
  ['cols', 'u32'],
  ['rows_per_chunk', 'u32'],
]);

const WG = 64;

/** Rows per chunk of the first pass: ~√rows, at least 16 so short matrices take one pass. */
export function chunkRows(rows: number): number {
  return Math.max(16, Math.ceil(Math.sqrt(rows)));
}

export class ColumnSum {
  private scratch: GPUBuffer | undefined;
  private readonly retired: GPUBuffer[] = [];

  private constructor(
    private readonly gpu: Gpu,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async prepare(gpu: Gpu): Promise<ColumnSum> {
    return new ColumnSum(gpu, await gpu.pipelines.pipeline('column-sum', 'column_sum', { WG }));
  }

  /** Dispatches summing src [rows, cols] into dst [cols]; src and dst are checked by the caller. */
  dispatches(src: GPUBuffer, dst: GPUBuffer, rows: number, cols: number, what: string): DispatchSpec[] {
    const per = chunkRows(rows);
    const chunks = Math.ceil(rows / per);
    requireGroups(this.gpu, chunks, `${what} column sum of [${rows}, ${cols}]`);
    requireGroups(this.gpu, Math.ceil(cols / WG), `${what} column sum of [${rows}, ${cols}]`);
    const pass = (from: GPUBuffer, to: GPUBuffer, r: number, perChunk: number, groupsY: number): DispatchSpec => ({
      pipeline: this.pipeline,
      bindings: [
        [0, paramBuffer(this.gpu, COLUMN_SUM_PARAMS, { rows: r, cols, rows_per_chunk: perChunk })],
        [1, from],
        [2, to],
      ],
      groups: [Math.ceil(cols / WG), groupsY],
    });
    if (chunks === 1) return [pass(src, dst, rows, rows, 1)];
    const partials = this.scratchFor(chunks * cols);
    return [pass(src, partials, rows, per, chunks), pass(partials, dst, chunks, chunks, 1)];
  }

  /** Records dst[c] = Σ_r src[r, c]. */
  encode(encoder: GPUCommandEncoder, src: GPUBuffer, dst: GPUBuffer, rows: number, cols: number, what: string): void {
    encodePass(this.gpu, encoder, `${what} column sum`, this.dispatches(src, dst, rows, cols, what));
  }

  /**
   * Scratch for partial sums, grown on demand. Reuse across calls in one encoder is safe: the
   * queue runs each call's two passes before the next call's first. Outgrown buffers may still
   * be referenced by unsubmitted work, so they are kept until destroy().
   */
  private scratchFor(count: number): GPUBuffer {
    if (!this.scratch || this.scratch.size < count * 4) {
      if (this.scratch) this.retired.push(this.scratch);
      this.scratch = this.gpu.device.createBuffer({
        label: 'column-sum partials',
        size: count * 4,
        usage: SCRATCH_USAGE,
      });
    }
    return this.scratch;
  }

  destroy(): void {
    for (const b of this.retired) b.destroy();
    this.scratch?.destroy();
    this.retired.length = 0;
    this.scratch = undefined;
  }
}
