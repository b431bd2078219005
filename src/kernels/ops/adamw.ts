// AdamW update in place on one parameter buffer and its moment buffers m, v (decoupled weight
// decay, bias correction for step t). Each encode() carries its own step/lr in a fresh uniform.
import { ADAMW_DEFAULTS, type AdamWHyper } from './adamw.ref.ts';
import type { Gpu } from '../runtime/device.ts';
import { ShapeError } from '../runtime/errors.ts';
import { paramBuffer, paramStruct } from '../runtime/uniforms.ts';
import {
  encodePass,
  requireDim,
  requireDistinct,
  requireF32,
  splitFlat,
  submitAndWait,
} from '../runtime/op-support.ts';

export const ADAMW_PARAMS = paramStruct('adamw', 'AdamWParams', [
  ['total', 'u32'],
  ['first', 'u32'],
  ['lr', 'f32'],
  ['beta1', 'f32'],
  ['beta2', 'f32'],
  ['eps', 'f32'],
  ['weight_decay', 'f32'],
  ['bias_correction1', 'f32'],
  ['bias_correction2', 'f32'],
]);

const WG = 256;

/** param, m, v are updated in place; grad is read. All hold `total` f32 values. */
export interface AdamWIO {
  readonly param: GPUBuffer;
  readonly grad: GPUBuffer;
  readonly m: GPUBuffer;
  readonly v: GPUBuffer;
}

/** Step t (1-based, for bias correction) and the learning rate; other hyper-parameters default. */
export type AdamWStep = { readonly step: number; readonly lr: number } & Partial<Omit<AdamWHyper, 'lr'>>;

export class AdamW {
  private constructor(
    private readonly gpu: Gpu,
    private readonly scalar: GPUComputePipeline,
    private readonly vec4: GPUComputePipeline,
  ) {}

  static async prepare(gpu: Gpu): Promise<AdamW> {
    const [scalar, vec4] = await Promise.all([
      gpu.pipelines.pipeline('adamw', 'adamw_step', { WG }),
      gpu.pipelines.pipeline('adamw', 'adamw_step_vec4', { WG }),
    ]);
    return new AdamW(gpu, scalar, vec4);
  }

  private params(total: number, first: number, s: AdamWStep): GPUBuffer {
    if (!Number.isInteger(s.step) || s.step < 1)
      throw new ShapeError(`adamw step = ${s.step}: expected an integer >= 1`);
    const h = { ...ADAMW_DEFAULTS, ...s };
    for (const [k, v] of Object.entries({ beta1: h.beta1, beta2: h.beta2 })) {
      if (!(v >= 0 && v < 1)) throw new ShapeError(`adamw ${k} = ${v}: expected a value in [0, 1)`);
    }
    return paramBuffer(this.gpu, ADAMW_PARAMS, {
      total,
      first,
      lr: h.lr,
      beta1: h.beta1,
      beta2: h.beta2,
      eps: h.eps,
      weight_decay: h.weightDecay,
      bias_correction1: 1 - h.beta1 ** s.step,
      bias_correction2: 1 - h.beta2 ** s.step,
    });
  }

  /** One AdamW step over `total` parameters. */
  encode(encoder: GPUCommandEncoder, io: AdamWIO, total: number, step: AdamWStep): void {
    requireDim(total, 'adamw length');
    const all = Object.entries(io);
    for (const [name, buf] of all) requireF32(this.gpu, buf, total, `adamw ${name}`, `[${total}]`);
    for (const [i, [a, x]] of all.entries())
      for (const [b, y] of all.slice(i + 1)) requireDistinct(x, y, `adamw ${a} and ${b}`);
    const dispatches = splitFlat(total, WG, ({ vec4, first }) => {
      const b = vec4 ? 4 : 0; // vec4 views sit 4 bindings above the scalar ones
      return {
        pipeline: vec4 ? this.vec4 : this.scalar,
        bindings: [
          [0, this.params(total, first, step)],
          [1 + b, io.param],
          [2 + b, io.grad],
          [3 + b, io.m],
          [4 + b, io.v],
        ],
      };
    });
    encodePass(this.gpu, encoder, 'adamw step', dispatches);
  }

  run(io: AdamWIO, total: number, step: AdamWStep): Promise<void> {
    return submitAndWait(this.gpu, (e) => this.encode(e, io, total, step));
  }
}
