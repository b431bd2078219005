// Each kernel's TS uniform description (training ops, attention and matmul) names the same fields, in the
// same order and types, as the WGSL struct it fills; one that disagrees is reported field by field.
import { describe, expect, it } from 'vitest';
import {
  ADAMW_PARAMS,
  ATTENTION_BACKWARD_PARAMS,
  ATTENTION_FORWARD_PARAMS,
  BIAS_ADD_PARAMS,
  COLUMN_SUM_PARAMS,
  GELU_PARAMS,
  GRAD_NORM_PARAMS,
  LAYER_NORM_PARAMS,
  MATMUL_F16_PACK_PARAMS,
  MATMUL_F16_PARAMS,
  MATMUL_PACK_PARAMS,
  MATMUL_PARAMS,
  MATMUL_SUBGROUP_PARAMS,
  MSE_PARAMS,
  PINBALL_PARAMS,
  RESIDUAL_ADD_PARAMS,
  packUniforms,
  paramStruct,
  paramStructMismatches,
  uniformLayout,
} from '../../src/kernels/index.ts';

const STRUCTS = [
  BIAS_ADD_PARAMS,
  RESIDUAL_ADD_PARAMS,
  COLUMN_SUM_PARAMS,
  LAYER_NORM_PARAMS,
  GELU_PARAMS,
  MSE_PARAMS,
  PINBALL_PARAMS,
  ADAMW_PARAMS,
  GRAD_NORM_PARAMS,
  ATTENTION_FORWARD_PARAMS,
  ATTENTION_BACKWARD_PARAMS,
  MATMUL_PARAMS,
  MATMUL_F16_PARAMS,
  MATMUL_SUBGROUP_PARAMS,
  MATMUL_PACK_PARAMS,
  MATMUL_F16_PACK_PARAMS,
];

describe('kernel uniforms match their shaders', () => {
  for (const s of STRUCTS) {
    it(`${s.name} in shaders/${s.shader}.wgsl`, () => {
      const layout = uniformLayout(s.shader, s.name);
      expect(paramStructMismatches(s, layout)).toEqual([]);
      // Every field is a 4-byte scalar at 4·i: the byte each value lands at is its index.
      const values = Object.fromEntries(s.fields.map(([f], i) => [f, i + 1]));
      const view = new DataView(packUniforms(layout, values));
      s.fields.forEach(([, type], i) => {
        expect(type === 'u32' ? view.getUint32(4 * i, true) : view.getFloat32(4 * i, true)).toBe(i + 1);
      });
    });
  }

  it('reports a description whose fields are swapped or mistyped', () => {
    const wrong = paramStruct('gelu', 'GeluParams', [
      ['total', 'f32'],
      ['extra', 'u32'],
      ['more', 'f32'],
    ]);
    expect(paramStructMismatches(wrong, uniformLayout('gelu', 'GeluParams'))).toEqual([
      "field 0: TS has 'total: f32', WGSL has 'total: u32'",
      "field 1: TS has 'extra: u32', WGSL has 'first: u32'",
      "field 2: TS has 'more: f32', WGSL has '-'",
    ]);
  });
});
