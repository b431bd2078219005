// Compiled pipelines for one attention configuration, and the per-dispatch uniform buffers.
import type { Gpu } from './device.ts';
import type { AttentionConfig } from './attention.ts';
import { WORKGROUP_SIZE } from './attention-shapes.ts';
import { ShaderCompileError } from './errors.ts';
import { formatCompilationMessages, shaderSource, type Overrides } from './pipelines.ts';

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
  const common = { H: c.heads, CAUSAL: c.causal ? 1 : 0, SCALE_LOG2: scaleLog2, WG: WORKGROUP_SIZE };
  const bwd = { ...common, SCALE: c.scale };
  const d4 = c.headDim / 4;
  const [fold, finalize, prep, dkdv, dq] = await Promise.all([
    specialised(gpu, 'attention-forward', d4, 'fold', common),
    specialised(gpu, 'attention-forward', d4, 'finalize', common),
    specialised(gpu, 'attention-backward', d4, 'prep', bwd),
    specialised(gpu, 'attention-backward', d4, 'dkdv', bwd),
    specialised(gpu, 'attention-backward', d4, 'dq_rows', bwd),
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

// D4 (head dim / 4) is the one constant we substitute into the text instead of passing as an
// override: llvmpipe does not unroll loops bounded by an override, so the per-row register arrays
// become dynamically indexed and a pipeline took 8–50 s to compile (0.13 s with a const).
const modules = new WeakMap<GPUDevice, Map<string, Promise<GPUShaderModule>>>();

function specialisedModule(gpu: Gpu, name: string, d4: number): Promise<GPUShaderModule> {
  let perDevice = modules.get(gpu.device);
  if (!perDevice) {
    perDevice = new Map();
    modules.set(gpu.device, perDevice);
  }
  const key = `${name}#${d4}`;
  let mod = perDevice.get(key);
  if (!mod) {
    mod = compileWithD4(gpu, name, d4);
    perDevice.set(key, mod);
  }
  return mod;
}

async function compileWithD4(gpu: Gpu, name: string, d4: number): Promise<GPUShaderModule> {
  const marker = /^override D4: u32 = \d+u;/m;
  const text = shaderSource(name);
  if (!marker.test(text)) throw new ShaderCompileError(name, 'missing the line `override D4: u32 = <n>u;` to specialise');
  const code = text.replace(marker, `const D4: u32 = ${d4}u;`);
  const module = gpu.device.createShaderModule({ label: `${name} D4=${d4}`, code });
  const info = await module.getCompilationInfo();
  if (info.messages.some((m) => m.type === 'error')) throw new ShaderCompileError(name, formatCompilationMessages(name, info));
  return module;
}

async function specialised(gpu: Gpu, name: string, d4: number, entryPoint: string, constants: Overrides): Promise<GPUComputePipeline> {
  const module = await specialisedModule(gpu, name, d4);
  gpu.device.pushErrorScope('validation');
  const pipeline = await gpu.device.createComputePipelineAsync({
    label: `${name}:${entryPoint} D4=${d4}`,
    layout: 'auto',
    compute: { module, entryPoint, constants: { ...constants } },
  });
  const error = await gpu.device.popErrorScope();
  if (error) throw new ShaderCompileError(name, `${entryPoint} ${JSON.stringify(constants)}: ${error.message}`);
  return pipeline;
}
