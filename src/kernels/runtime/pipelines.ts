// Loads WGSL from shaders/*.wgsl, checks its compilation messages, and caches one compute
// pipeline per (shader, entry point, override constants).
import { readFileSync } from 'node:fs';
import { ShaderCompileError } from './errors.ts';

const shadersDir = new URL('../../../shaders/', import.meta.url);

/** Override constants by name; WGSL `override` declarations receive them at pipeline creation. */
export type Overrides = Readonly<Record<string, number>>;

const sourceCache = new Map<string, string>();

/** The text of shaders/<name>.wgsl (cached per process). */
export function shaderSource(name: string): string {
  let text = sourceCache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`${name}.wgsl`, shadersDir), 'utf8');
    sourceCache.set(name, text);
  }
  return text;
}

/** Formats compilation messages as `shaders/x.wgsl:line:col: type: message`. */
export function formatCompilationMessages(name: string, info: GPUCompilationInfo): string {
  return info.messages.map((m) => `shaders/${name}.wgsl:${m.lineNum}:${m.linePos}: ${m.type}: ${m.message}`).join('\n');
}

export class PipelineCache {
  private readonly modules = new Map<string, Promise<GPUShaderModule>>();
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(private readonly device: GPUDevice) {}

  /** Compiles shaders/<name>.wgsl once; any error message fails with file:line:col. */
  module(name: string): Promise<GPUShaderModule> {
    let mod = this.modules.get(name);
    if (!mod) {
      mod = this.compile(name);
      this.modules.set(name, mod);
    }
    return mod;
  }

  private async compile(name: string): Promise<GPUShaderModule> {
    const module = this.device.createShaderModule({ label: name, code: shaderSource(name) });
    const info = await module.getCompilationInfo();
    if (info.messages.some((m) => m.type === 'error')) {
      throw new ShaderCompileError(name, formatCompilationMessages(name, info));
    }
    return module;
  }

  /** A compute pipeline for `entryPoint` of shaders/<name>.wgsl specialised by `constants`. */
  pipeline(name: string, entryPoint: string, constants: Overrides = {}): Promise<GPUComputePipeline> {
    const key = `${name}#${entryPoint}#${JSON.stringify(Object.entries(constants).sort())}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.create(name, entryPoint, constants);
      this.pipelines.set(key, p);
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  private async create(name: string, entryPoint: string, constants: Overrides): Promise<GPUComputePipeline> {
    const module = await this.module(name);
    this.device.pushErrorScope('validation');
    const pipeline = await this.device.createComputePipelineAsync({
      label: `${name}:${entryPoint}`,
      layout: 'auto',
      compute: { module, entryPoint, constants: { ...constants } },
    });
    const error = await this.device.popErrorScope();
    if (error) throw new ShaderCompileError(name, `${entryPoint} ${JSON.stringify(constants)}: ${error.message}`);
    return pipeline;
  }
}
