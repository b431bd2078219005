// Typed descriptions of the training ops' uniform structs (field names and scalar types, in
// order). The byte layout comes from the shader's own struct (uniforms.ts); a description that
// disagrees with the WGSL is refused here and by test/kernels/training-op-uniforms-match-shaders.
import type { Gpu } from './device.ts';
import { createUniformBuffer, uniformLayout, type UniformLayout } from './uniforms.ts';

export type ParamScalar = 'u32' | 'f32';

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

/** Uniform buffers by (struct, values) per device; a trainer's steady state reuses them all. */
const cache = new WeakMap<GPUDevice, Map<string, GPUBuffer>>();
/** Entries kept per device; evicted ones are dropped, not destroyed (unsubmitted work may use them). */
const CACHE_LIMIT = 4096;

/**
 * A uniform buffer holding `values`. Each buffer's contents are written once, when it is created,
 * and never change. That matters because queue.writeBuffer lands before the whole submit: if several
 * dispatches in one encoder shared a buffer that was rewritten, every one would see the last values.
 * A buffer whose values never change can be shared by any number of dispatches, so identical
 * parameters reuse one cached buffer and a repeated step allocates nothing.
 */
export function paramBuffer<F extends string>(gpu: Gpu, struct: ParamStruct<F>, values: Readonly<Record<F, number>>): GPUBuffer {
  const layout = checkedLayout(struct);
  const key = `${struct.shader}#${struct.name}#${struct.fields.map(([f]) => values[f]).join(',')}`;
  let perDevice = cache.get(gpu.device);
  if (!perDevice) {
    perDevice = new Map();
    cache.set(gpu.device, perDevice);
  }
  let buffer = perDevice.get(key);
  if (buffer) {
    perDevice.delete(key); // re-insert: Map order is the LRU order
  } else {
    buffer = createUniformBuffer(gpu, layout, values);
    if (perDevice.size >= CACHE_LIMIT) {
      const oldest = perDevice.keys().next();
      if (!oldest.done) perDevice.delete(oldest.value);
    }
  }
  perDevice.set(key, buffer);
  return buffer;
}
