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

/**
 * A fresh uniform buffer holding `values`. Each dispatch owns its parameters (queue.writeBuffer
 * lands before the whole submit, so a shared buffer would give every dispatch the last values).
 */
export function paramBuffer<F extends string>(gpu: Gpu, struct: ParamStruct<F>, values: Readonly<Record<F, number>>): GPUBuffer {
  return createUniformBuffer(gpu, checkedLayout(struct), values);
}
