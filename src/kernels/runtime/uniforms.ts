// The one way to build uniform buffers: the layout comes from the shader's own struct (parse
// `struct Name { … }` from shaders/<name>.wgsl, lay it out by WGSL's alignment rules), a typed
// ParamStruct names its fields for TypeScript, and immutable buffers are cached by value.
import type { Gpu } from './device.ts';
import { f16Bits } from './half.ts';
import { shaderSource } from './pipelines.ts';
import { UNIFORM_USAGE } from './usage.ts';

export type ScalarType = 'f32' | 'i32' | 'u32' | 'f16';

export interface UniformField {
  readonly name: string;
  /** WGSL type as written, e.g. `u32`, `vec4<f32>`, `vec2f`. */
  readonly type: string;
  readonly scalar: ScalarType;
  /** 1 for scalars, 2–4 for vectors. */
  readonly components: number;
  /** Byte offset within the struct. */
  readonly offset: number;
}

export interface UniformLayout {
  readonly struct: string;
  /** Byte size of the struct (rounded up to its alignment, then to 16 for uniform binding). */
  readonly size: number;
  readonly fields: readonly UniformField[];
}

export type UniformValues = Readonly<Record<string, number | readonly number[]>>;

const SCALARS: Readonly<Record<string, ScalarType>> = { f32: 'f32', i32: 'i32', u32: 'u32', f16: 'f16' };
const SHORT_SUFFIX: Readonly<Record<string, ScalarType>> = { f: 'f32', i: 'i32', u: 'u32', h: 'f16' };

/** Scalar type and component count of a WGSL host-shareable scalar or vector type. */
function parseType(type: string, where: string): { scalar: ScalarType; components: number } {
  const scalar = SCALARS[type];
  if (scalar) return { scalar, components: 1 };
  const long = /^vec([234])<(f32|i32|u32|f16)>$/.exec(type);
  if (long?.[1] && long[2]) return { scalar: SCALARS[long[2]] ?? 'f32', components: Number(long[1]) };
  const short = /^vec([234])([fiuh])$/.exec(type);
  const suffix = short?.[2] && SHORT_SUFFIX[short[2]];
  if (short?.[1] && suffix) return { scalar: suffix, components: Number(short[1]) };
  throw new Error(`${where}: type '${type}' is not supported in uniform layouts (scalars and vec2/3/4 only)`);
}

/** WGSL alignment and size of a scalar/vector (WGSL spec §13.4.1: vec3 aligns like vec4). */
function alignAndSize(scalar: ScalarType, components: number): { align: number; size: number } {
  const bytes = scalar === 'f16' ? 2 : 4;
  const size = bytes * components;
  return { align: components === 3 ? bytes * 4 : size, size };
}

const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/** The layout of `struct <structName>` in WGSL `source`; honours @align(n) and @size(n). */
export function parseStructLayout(source: string, structName: string, where = 'wgsl'): UniformLayout {
  const code = source.replace(/\/\/[^\n]*/g, '');
  const body = new RegExp(`struct\\s+${structName}\\s*\\{([^}]*)\\}`).exec(code)?.[1];
  if (body === undefined) throw new Error(`${where}: no 'struct ${structName}'`);
  const fields: UniformField[] = [];
  let offset = 0;
  let structAlign = 4;
  for (const raw of body
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^((?:@\w+\(\s*\d+\s*\)\s*)*)(\w+)\s*:\s*([\w<>]+)$/.exec(raw.replace(/\s+/g, ' '));
    if (!m?.[2] || !m[3]) throw new Error(`${where}: cannot parse member '${raw}' of struct ${structName}`);
    const { scalar, components } = parseType(m[3], `${where} ${structName}.${m[2]}`);
    const natural = alignAndSize(scalar, components);
    const align = Number(/@align\(\s*(\d+)\s*\)/.exec(m[1] ?? '')?.[1] ?? natural.align);
    const size = Number(/@size\(\s*(\d+)\s*\)/.exec(m[1] ?? '')?.[1] ?? natural.size);
    offset = roundUp(offset, align);
    fields.push({ name: m[2], type: m[3], scalar, components, offset });
    offset += size;
    structAlign = Math.max(structAlign, align);
  }
  return { struct: structName, size: roundUp(roundUp(offset, structAlign), 16), fields };
}

const layoutCache = new Map<string, UniformLayout>();

/** The layout of `struct <structName>` in shaders/<shaderName>.wgsl (cached). */
export function uniformLayout(shaderName: string, structName: string): UniformLayout {
  const key = `${shaderName}#${structName}`;
  let layout = layoutCache.get(key);
  if (!layout) {
    layout = parseStructLayout(shaderSource(shaderName), structName, `shaders/${shaderName}.wgsl`);
    layoutCache.set(key, layout);
  }
  return layout;
}

/** Packs `values` into the layout's bytes; every field must be given, and nothing else. */
export function packUniforms(layout: UniformLayout, values: UniformValues): ArrayBuffer {
  const bytes = new ArrayBuffer(layout.size);
  const view = new DataView(bytes);
  const known = new Set(layout.fields.map((f) => f.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name))
      throw new Error(`uniform ${layout.struct} has no field '${name}' (fields: ${[...known].join(', ')})`);
  }
  for (const field of layout.fields) {
    const value = values[field.name];
    if (value === undefined) throw new Error(`uniform ${layout.struct}.${field.name} was not given`);
    const list = typeof value === 'number' ? [value] : value;
    if (list.length !== field.components) {
      throw new Error(
        `uniform ${layout.struct}.${field.name} (${field.type}) needs ${field.components} values, got ${list.length}`,
      );
    }
    list.forEach((v, i) => {
      writeScalar(view, field, i, v);
    });
  }
  return bytes;
}

function writeScalar(view: DataView, field: UniformField, index: number, value: number): void {
  const where = `uniform ${field.name}`;
  switch (field.scalar) {
    case 'f32':
      view.setFloat32(field.offset + 4 * index, value, true);
      return;
    case 'f16':
      view.setUint16(field.offset + 2 * index, f16Bits(value), true);
      return;
    case 'u32':
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
        throw new RangeError(`${where} = ${value} is not a u32`);
      view.setUint32(field.offset + 4 * index, value, true);
      return;
    case 'i32':
      if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff)
        throw new RangeError(`${where} = ${value} is not an i32`);
      view.setInt32(field.offset + 4 * index, value, true);
      return;
  }
}

/** A UNIFORM | COPY_DST buffer holding `values` packed by `layout`. */
export function createUniformBuffer(
  gpu: Gpu,
  layout: UniformLayout,
  values: UniformValues,
  label = layout.struct,
): GPUBuffer {
  const buffer = gpu.device.createBuffer({ label, size: layout.size, usage: UNIFORM_USAGE });
  gpu.device.queue.writeBuffer(buffer, 0, packUniforms(layout, values));
  return buffer;
}

export type ParamScalar = 'u32' | 'f32';

/**
 * Typed description of a kernel's uniform struct (field names and scalar types, in order). The byte
 * layout still comes from the WGSL; a description that disagrees with it is refused (checkedLayout)
 * and by test/kernels/training-op-uniforms-match-shaders.
 */
export interface ParamStruct<F extends string> {
  /** The shader file (shaders/<shader>.wgsl) that declares the struct. */
  readonly shader: string;
  /** The struct's name in WGSL. */
  readonly name: string;
  readonly fields: readonly (readonly [F, ParamScalar])[];
}

export function paramStruct<const F extends string>(
  shader: string,
  name: string,
  fields: readonly (readonly [F, ParamScalar])[],
): ParamStruct<F> {
  return { shader, name, fields };
}

/** Differences between a description and the shader's struct; empty when they agree. */
export function paramStructMismatches(struct: ParamStruct<string>, layout: UniformLayout): string[] {
  const want = struct.fields.map(([f, t]) => `${f}: ${t}`);
  const got = layout.fields.map((f) => `${f.name}: ${f.type}`);
  const problems: string[] = [];
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    if (want[i] !== got[i]) problems.push(`field ${i}: TS has '${want[i] ?? '-'}', WGSL has '${got[i] ?? '-'}'`);
  }
  return problems;
}

const checked = new Set<ParamStruct<string>>();

function checkedLayout(struct: ParamStruct<string>): UniformLayout {
  const layout = uniformLayout(struct.shader, struct.name);
  if (!checked.has(struct)) {
    const problems = paramStructMismatches(struct, layout);
    if (problems.length) throw new Error(`shaders/${struct.shader}.wgsl struct ${struct.name}: ${problems.join('; ')}`);
    checked.add(struct);
  }
  return layout;
}

/**
 * Uniform buffers by (struct, values). Each buffer's contents are written once, when it is created,
 * and never change. That matters because queue.writeBuffer lands before the whole submit: if several
 * dispatches in one encoder shared a buffer that was rewritten, every one would see the last values.
 * A buffer whose values never change can be shared by any number of dispatches, so identical
 * parameters reuse one cached buffer and a repeated step allocates nothing.
 */
export class UniformCache {
  private readonly buffers = new Map<string, GPUBuffer>();

  /** `limit`: entries kept; evicted ones are dropped, not destroyed (unsubmitted work may use them). */
  constructor(
    private readonly gpu: Gpu,
    private readonly limit = Number.POSITIVE_INFINITY,
  ) {}

  get size(): number {
    return this.buffers.size;
  }

  buffer<F extends string>(struct: ParamStruct<F>, values: Readonly<Record<F, number>>): GPUBuffer {
    const layout = checkedLayout(struct);
    const key = `${struct.shader}#${struct.name}#${struct.fields.map(([f]) => values[f]).join(',')}`;
    let buffer = this.buffers.get(key);
    if (buffer) {
      this.buffers.delete(key); // re-insert: Map order is the LRU order
    } else {
      buffer = createUniformBuffer(this.gpu, layout, values);
      if (this.buffers.size >= this.limit) {
        const oldest = this.buffers.keys().next();
        if (!oldest.done) this.buffers.delete(oldest.value);
      }
    }
    this.buffers.set(key, buffer);
    return buffer;
  }

  /** Destroys every cached buffer; call once no submitted work still reads them. */
  destroy(): void {
    for (const buffer of this.buffers.values()) buffer.destroy();
    this.buffers.clear();
  }
}

/** The training ops' shared cache per device (their steady state reuses it all; freed with the device). */
const perDevice = new WeakMap<GPUDevice, UniformCache>();
const SHARED_CACHE_LIMIT = 4096;

/** A cached, immutable uniform buffer holding `values` (see UniformCache), shared per device. */
export function paramBuffer<F extends string>(
  gpu: Gpu,
  struct: ParamStruct<F>,
  values: Readonly<Record<F, number>>,
): GPUBuffer {
  let cache = perDevice.get(gpu.device);
  if (!cache) {
    cache = new UniformCache(gpu, SHARED_CACHE_LIMIT);
    perDevice.set(gpu.device, cache);
  }
  return cache.buffer(struct, values);
}
