// Compiled pipelines for one attention configuration, and the per-dispatch uniform buffers (built
// from each shader's `struct Params`, cached by value, freed by destroy()).
import { isCpuAdapter, type Gpu } from '../runtime/device.ts';
import type { AttentionConfig, AttentionTuning, RowsPerInvocation } from './attention-types.ts';
import { ShaderCompileError } from '../runtime/errors.ts';
import { formatCompilationMessages, shaderSource, type Overrides } from '../runtime/pipelines.ts';
import { paramStruct, UniformCache } from '../runtime/uniforms.ts';

export interface AttentionPipelines {
  readonly fold: GPUComputePipeline;
  readonly finalize: GPUComputePipeline;
  readonly prep: GPUComputePipeline;
  readonly dkdv: GPUComputePipeline;
  readonly dq: GPUComputePipeline;
  /** Rows each invocation owns in the forward fold and in the backward passes. */
  readonly rows: RowsPerInvocation;
  /** Invocations per workgroup (the WGSL's WG override) of every attention pass. */
  readonly workgroupSize: number;
  /** A uniform buffer holding the pass's `Params { q_rows, k_rows, q_offset, k_offset, q_seg, k_seg }` (by value). */
  params(pass: AttentionPass, rows: PassRows): GPUBuffer;
  /** Frees the cached uniform buffers (the compiled modules are shared per device). */
  destroy(): void;
}

/** Which shader a dispatch runs: its uniform is laid out by that shader's struct. */
export type AttentionPass = 'forward' | 'backward';

/** One dispatch's rows: the blocks' sizes, their offsets, and their segments' (see FoldArgs). */
export interface PassRows {
  readonly qRows: number;
  readonly kRows: number;
  readonly qOffset: number;
  readonly kOffset: number;
  readonly qSegment: number;
  readonly kSegment: number;
}

const PARAMS_FIELDS = [
  ['q_rows', 'u32'],
  ['k_rows', 'u32'],
  ['q_offset', 'u32'],
  ['k_offset', 'u32'],
  ['q_seg', 'u32'],
  ['k_seg', 'u32'],
] as const;
export const ATTENTION_FORWARD_PARAMS = paramStruct('attention-forward', 'Params', PARAMS_FIELDS);
export const ATTENTION_BACKWARD_PARAMS = paramStruct('attention-backward', 'Params', PARAMS_FIELDS);

/**
 * Rows per invocation and workgroup size for this adapter class and head dim.
 *
 * CPU adapters (llvmpipe): more rows per invocation reuse each K/V (Q/dO) load more; a storage
 * load there is a bounds-checked scalar load per component, the dominant cost. The per-row
 * registers grow with D and llvmpipe's compile time with both. Measured on llvmpipe (2 vCPUs),
 * T = 8,760, D = 32: forward (looped) R = 2/3/4/6/8 took 2.0/1.2/1.0/1.0/1.1 s, unrolled R = 4/6/8
 * 1.2/0.9/0.85 s; backward (unrolled) dK/dV R = 2/3/4/6 2.0/1.6/1.2/1.3 s, dQ R = 4/6/8
 * 1.1/0.8/0.8 s. At D = 64, T = 4,096 the backward took 4.6 s at R = 1/1 and 2.2 s at R = 2/3.
 * First dispatches compile for ~20 s (forward), ~40 s (dK/dV) and ~40 s (dQ) at D = 32, ~90 s for
 * the D = 64 backward, on a quiet machine; Mesa's shader cache makes later runs start at once.
 * Workgroups of 8: a ring block (T / 2R rows) still splits into enough workgroups to keep every
 * llvmpipe thread busy, and a segment's last, partial group wastes fewer rows (a 1,095-row segment:
 * 9 rows of 1,104 forward and dQ, 25 of 1,120 dK/dV; at WG = 16, 57 of 1,152 in each). At WG = 64
 * a 1,095-row block made 3 forward workgroups for 2 threads and the ring (T = 8,760, R = 4, H = 4)
 * ran 27 % / 20 % over one device forward / backward; at WG = 16, 3–12 % / 7–12 % over four runs.
 * `bench ring --heads 2 --reps 3|4`, runs alternating 8 and 16 on one day: fwd+bwd over one device
 * 5.3, 4.6, 2.1, −2.2 % at WG = 8 against 13.2, 2.3, 13.4, 9.4 % at 16; one device forward
 * 0.60–0.69 s at 8, 0.59–0.94 s at 16, backward 1.50–1.63 s at 8, 1.51–1.82 s at 16.
 * `bench kernels --quick --filter attention` (T = 512, H = 1), alternating: forward 1.81, 1.83 ms
 * at 8 against 3.50, 2.26 ms at 16; backward 4.72, 7.11 ms against 7.67, 5.19 ms. One device
 * (H = 1) had measured the same at 16, 32, 64.
 *
 * GPUs hide load latency with many resident invocations instead, so one row each and small
 * workgroups keep the workgroup count (T / 32 per head) high and the registers per invocation
 * low. Measured on an H200 (Vulkan), T = 8,760, H = 1, forward / backward: D = 32 R = 1 4.9 /
 * 5.7 ms at WG = 32 or 64, R = 2 11 / 13 ms, the CPU tuning 48 / 133 ms; D = 64 R = 1 6.8 / 34 ms
 * at WG = 32, 14 / 104 ms at WG = 64, 8.0 / 145 ms at WG = 128 (registers spill).
 */
export function attentionTuning(headDim: number, cpuAdapter: boolean): AttentionTuning {
  if (!cpuAdapter) return { workgroupSize: 32, rows: { forward: 1, dkdv: 1, dq: 1 } };
  const workgroupSize = 8;
  if (headDim <= 32) return { workgroupSize, rows: { forward: 6, dkdv: 4, dq: 6 } };
  if (headDim <= 64) return { workgroupSize, rows: { forward: 2, dkdv: 2, dq: 3 } };
  return { workgroupSize, rows: { forward: 1, dkdv: 1, dq: 1 } };
}

export async function createAttentionPipelines(gpu: Gpu, c: Required<AttentionConfig>): Promise<AttentionPipelines> {
  const scaleLog2 = c.scale * Math.LOG2E;
  const { rows, workgroupSize } = attentionTuning(c.headDim, isCpuAdapter(gpu.adapter));
  const common = { H: c.heads, CAUSAL: c.causal ? 1 : 0, SCALE_LOG2: scaleLog2, WG: workgroupSize };
  const bwd = { ...common, SCALE: c.scale };
  const D4 = c.headDim / 4;
  const fwd = { D4, R: rows.forward };
  const dkdvConsts = { D4, R: rows.dkdv };
  const dqConsts = { D4, R: rows.dq };
  const s = c.storage;
  const [fold, finalize, prep, dkdv, dq] = await Promise.all([
    specialised(gpu, 'attention-forward', fwd, s, 'fold', common),
    specialised(gpu, 'attention-forward', fwd, s, 'finalize', common),
    specialised(gpu, 'attention-backward', dqConsts, s, 'prep', bwd),
    specialised(gpu, 'attention-backward', dkdvConsts, s, 'dkdv', bwd),
    specialised(gpu, 'attention-backward', dqConsts, s, 'dq_rows', bwd),
  ]);
  // Immutable once written, so any number of dispatches in one submit may share one buffer.
  const uniforms = new UniformCache(gpu);
  return {
    fold,
    finalize,
    prep,
    dkdv,
    dq,
    rows,
    workgroupSize,
    params(pass, r) {
      const struct = pass === 'forward' ? ATTENTION_FORWARD_PARAMS : ATTENTION_BACKWARD_PARAMS;
      return uniforms.buffer(struct, {
        q_rows: r.qRows,
        k_rows: r.kRows,
        q_offset: r.qOffset,
        k_offset: r.kOffset,
        q_seg: r.qSegment,
        k_seg: r.kSegment,
      });
    },
    destroy: () => uniforms.destroy(),
  };
}

// D4 (head dim / 4) and R (rows per invocation) are consts whose values the host substitutes into
// the text, not overrides: WGSL allows override-sized arrays only in workgroup memory, and
// llvmpipe does not unroll loops bounded by an override (the first dispatch took 8–50 s to
// compile). The file as written is valid WGSL with default values, so the compile test checks it.
type Consts = Readonly<Record<'D4' | 'R', number>>;

/**
 * Whether a shader's head-dimension loops are unrolled (see unrollHeadLoops). Measured on llvmpipe
 * (2 vCPUs): at D = 32 the backward's dK/dV pass (R = 4) ran 2.4 → 1.2 s and its dQ pass 1.5 → 1.2 s
 * unrolled (T = 8,760), at D = 64 the backward (R = 2/3) 3.1 → 2.2 s (T = 4,096); the forward fold
 * gained at D = 32 with R = 6 (1.0 → 0.9 s) but lost at D = 64 (0.5 → 1.4 s, T = 4,096): past
 * 8 vec4s per row LLVM spills the unrolled registers worse than it gathers them.
 */
function unrollsHeadLoops(name: string, d4: number): boolean {
  return name === 'attention-backward' || (name === 'attention-forward' && d4 <= 8);
}
const modules = new WeakMap<GPUDevice, Map<string, Promise<GPUShaderModule>>>();

function specialisedModule(gpu: Gpu, name: string, consts: Consts, storage: Storage): Promise<GPUShaderModule> {
  let perDevice = modules.get(gpu.device);
  if (!perDevice) {
    perDevice = new Map();
    modules.set(gpu.device, perDevice);
  }
  const key = `${name}#${JSON.stringify(consts)}#${storage}`;
  let mod = perDevice.get(key);
  if (!mod) {
    mod = compileWithConsts(gpu, name, consts, storage);
    perDevice.set(key, mod);
  }
  return mod;
}

/** Element type of Q, K and V in storage (AttentionConfig.storage). */
type Storage = 'f32' | 'f16';

const QKV_ALIAS = 'alias QKV = vec4f;';

/**
 * shaders/<name>.wgsl with the value of each `const NAME: u32 = …;` of `consts` replaced, and, where
 * unrollsHeadLoops says so, every loop over the head dimension (`for (var d = 0u; d < D4; d++) {`)
 * unrolled. With f16 storage, `enable f16;` comes first and Q, K and V are declared vec4h (the
 * shader's `alias QKV` line; its loads widen to vec4f).
 */
export function specialiseSource(name: string, consts: Consts, storage: Storage = 'f32'): string {
  let text = shaderSource(name);
  if (storage === 'f16') {
    if (!text.includes(QKV_ALIAS))
      throw new ShaderCompileError(name, `missing the line \`${QKV_ALIAS}\` for f16 storage`);
    // On the first line, so compilation messages keep the file's line numbers.
    text = `enable f16; ${text.replace(QKV_ALIAS, 'alias QKV = vec4h;')}`;
  }
  for (const [id, value] of Object.entries(consts)) {
    const marker = new RegExp(`^const ${id}: u32 = \\d+u;`, 'm');
    if (!marker.test(text))
      throw new ShaderCompileError(name, `missing the line \`const ${id}: u32 = <n>u;\` to specialise`);
    text = text.replace(marker, `const ${id}: u32 = ${value}u;`);
  }
  return unrollsHeadLoops(name, consts.D4) ? unrollHeadLoops(text, consts.D4) : text;
}

const HEAD_LOOP = 'for (var d = 0u; d < D4; d++) {';

/**
 * Rewrites each head-dimension loop as D4 blocks `{ let d = <n>u; body }`. Why: llvmpipe keeps a
 * private array indexed by a loop variable in memory and reads each element with a per-lane gather
 * (8 scalar loads per component, plus a clamp); with constant indices the arrays live in
 * registers. Its own unroller leaves these loops alone once their bodies grow past a few
 * instructions, and a WGSL loop has no unroll hint.
 */
export function unrollHeadLoops(text: string, d4: number): string {
  let out = '';
  let at = 0;
  for (;;) {
    const start = text.indexOf(HEAD_LOOP, at);
    if (start < 0) return out + text.slice(at);
    const open = start + HEAD_LOOP.length - 1;
    const close = matchingBrace(text, open);
    const body = text.slice(open + 1, close);
    const copies = Array.from({ length: d4 }, (_, n) => `{ let d = ${n}u;${body}}`);
    out += text.slice(at, start) + copies.join(' ');
    at = close + 1;
  }
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  throw new ShaderCompileError('attention', `unbalanced braces after offset ${open}`);
}

async function compileWithConsts(gpu: Gpu, name: string, consts: Consts, storage: Storage): Promise<GPUShaderModule> {
  const module = gpu.device.createShaderModule({
    label: `${name} ${JSON.stringify(consts)} ${storage}`,
    code: specialiseSource(name, consts, storage),
  });
  const info = await module.getCompilationInfo();
  if (info.messages.some((m) => m.type === 'error'))
    throw new ShaderCompileError(name, formatCompilationMessages(name, info));
  return module;
}

async function specialised(
  gpu: Gpu,
  name: string,
  consts: Consts,
  storage: Storage,
  entryPoint: string,
  constants: Overrides,
): Promise<GPUComputePipeline> {
  const module = await specialisedModule(gpu, name, consts, storage);
  gpu.device.pushErrorScope('validation');
  const pipeline = await gpu.device.createComputePipelineAsync({
    label: `${name}:${entryPoint} ${JSON.stringify(consts)}`,
    layout: 'auto',
    compute: { module, entryPoint, constants: { ...constants } },
  });
  const error = await gpu.device.popErrorScope();
  if (error) throw new ShaderCompileError(name, `${entryPoint} ${JSON.stringify(constants)}: ${error.message}`);
  return pipeline;
}
