// Compiled pipelines for one attention configuration, and the per-dispatch uniform buffers.
import type { Gpu } from './device.ts';
import type { AttentionConfig } from './attention.ts';
import { WORKGROUP_SIZE } from './attention-shapes.ts';

export interface AttentionPipelines {
  readonly fold: GPUComputePipeline;
  readonly finalize: GPUComputePipeline;
  readonly prep: GPUComputePipeline;
  readonly dkdv: GPUComputePipeline;
  readonly dq: GPUComputePipeline;
  /** A uniform buffer holding `Params { q_rows, k_rows, q_offset, k_offset }` (cached by value). */
  params(qRows: number, kRows: number, qOffset: number, kOffset: number): GPUBuffer;
}

export async function createAttentionPipelines(gpu: Gpu, c: Required<AttentionConfig>): Promise<AttentionPipelines> {
  const scaleLog2 = c.scale * Math.LOG2E;
  const common = { H: c.heads, D4: c.headDim / 4, CAUSAL: c.causal ? 1 : 0, SCALE_LOG2: scaleLog2, WG: WORKGROUP_SIZE };
  const bwd = { ...common, SCALE: c.scale };
  const [fold, finalize, prep, dkdv, dq] = await Promise.all([
    gpu.pipelines.pipeline('attention-forward', 'fold', common),
    gpu.pipelines.pipeline('attention-forward', 'finalize', common),
    gpu.pipelines.pipeline('attention-backward', 'prep', bwd),
    gpu.pipelines.pipeline('attention-backward', 'dkdv', bwd),
    gpu.pipelines.pipeline('attention-backward', 'dq_rows', bwd),
  ]);
  const cache = new Map<string, GPUBuffer>();
  return {
    fold, finalize, prep, dkdv, dq,
    params(qRows, kRows, qOffset, kOffset) {
      const key = `${qRows},${kRows},${qOffset},${kOffset}`;
      let buf = cache.get(key);
      if (!buf) {
        // Immutable once written, so any number of dispatches in one submit may share it.
        buf = gpu.device.createBuffer({ label: `attention params ${key}`, size: 16, usage: 0x40 | 0x08, mappedAtCreation: true });
        new Uint32Array(buf.getMappedRange()).set([qRows, kRows, qOffset, kOffset]);
        buf.unmap();
        cache.set(key, buf);
      }
      return buf;
    },
  };
}
