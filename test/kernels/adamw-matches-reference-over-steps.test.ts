// AdamW in place matches the f64 reference over several steps (fresh gradients each step), both
// one submit per step and all steps recorded into one encoder (each dispatch owns its uniform).
import { afterAll, beforeAll, it } from 'vitest';
import { AdamW, adamwStepRef, submitAndWait, type AdamWHyper } from '../../src/kernels/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import { TestBuffers } from './training-ops-support.ts';

const HYPER: AdamWHyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
const STEPS = 6;

describeGpu('adamw matches reference over steps', (gpu) => {
  let adamw: AdamW;
  let bufs: TestBuffers;
  beforeAll(async () => {
    adamw = await AdamW.prepare(gpu());
    bufs = new TestBuffers(gpu());
  });
  afterAll(() => bufs.destroy());

  // 1,100,001 > 1,024 workgroups × 256 lanes × 4 (vec4), so grid-stride lanes loop.
  for (const n of [1, 3001, 1_100_001]) {
    for (const batched of [false, true]) {
      it(`${STEPS} steps over ${n} parameters, ${batched ? 'all in one encoder' : 'one submit per step'}`, async () => {
        const param0 = seededF32(n, 51);
        const grads = Array.from({ length: STEPS }, (_, s) => seededF32(n, 60 + s, -0.5 * (s + 1), 0.5 * (s + 1)));
        const io = {
          param: bufs.upload(param0, 'param'),
          grad: bufs.zeros(0, 'unused'),
          m: bufs.zeros(n, 'm'),
          v: bufs.zeros(n, 'v'),
        };
        const gradBufs = grads.map((g, s) => bufs.upload(g, `grad${s}`));
        const stepOf = (s: number) => ({ ...HYPER, step: s + 1, lr: HYPER.lr * (1 - s / 10) });
        if (batched) {
          await submitAndWait(gpu(), (e) =>
            gradBufs.forEach((grad, s) => adamw.encode(e, { ...io, grad }, n, stepOf(s))),
          );
        } else {
          for (const [s, grad] of gradBufs.entries()) await adamw.run({ ...io, grad }, n, stepOf(s));
        }
        const [p, m, v] = [Float64Array.from(param0), new Float64Array(n), new Float64Array(n)];
        grads.forEach((g, s) => adamwStepRef(p, g, m, v, stepOf(s), s + 1));
        expectAllClose(await bufs.read(io.param, n), p, FP32_TOLERANCE, 'param'); // atol 1e-5, rtol 1e-4
        expectAllClose(await bufs.read(io.m, n), m, FP32_TOLERANCE, 'm'); // atol 1e-5, rtol 1e-4
        expectAllClose(await bufs.read(io.v, n), v, FP32_TOLERANCE, 'v'); // atol 1e-5, rtol 1e-4
      });
    }
  }
});
