// The AdamW step in place: timed (reads param, grad, m, v; writes param, m, v: 28 B/param), and
// checked over six steps with fresh gradients, one submit per step and all steps in one encoder
// (each dispatch owns its uniform); 1,100,001 > 1,024 workgroups × 256 lanes × 4, so lanes loop.
import { seededF32 } from '../../core/index.ts';
import { AdamW, adamwStepRef, submitAndWait, type AdamWHyper } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { memoryBoundCase } from './training-ops-support.ts';

const HYPER = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

function adamwCase(total: number, quick: boolean): KernelBenchCase {
  return memoryBoundCase({
    kernel: 'adamw',
    shape: `${total} params`,
    quick,
    bytes: 7 * total * 4,
    async setup(bufs) {
      const op = await AdamW.prepare(bufs.gpu);
      const [param, grad, m, v] = [
        seededF32(total, 51),
        seededF32(total, 52),
        seededF32(total, 53, -0.1, 0.1),
        seededF32(total, 54, 0, 0.01),
      ];
      const io = {
        param: bufs.upload(param, 'param'),
        grad: bufs.upload(grad, 'grad'),
        m: bufs.upload(m, 'm'),
        v: bufs.upload(v, 'v'),
      };
      const step = { ...HYPER, step: 3 };
      return {
        encode: (e) => op.encode(e, io, total, step),
        async outputs() {
          const [p, mr, vr] = [Float64Array.from(param), Float64Array.from(m), Float64Array.from(v)];
          adamwStepRef(p, grad, mr, vr, HYPER, 3);
          return [{ name: 'param', actual: await bufs.read(io.param, total), expected: p }];
        },
      };
    },
  });
}

const STEP_HYPER: AdamWHyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
const STEPS = 6;

/** Correctness: STEPS steps (decaying lr) from zero moments; param, m and v compared. */
function stepsCase(n: number, batched: boolean): KernelBenchCase {
  return memoryBoundCase({
    kernel: 'adamw',
    shape: `${STEPS} steps over ${n} params, ${batched ? 'all in one encoder' : 'one submit per step'}`,
    quick: false,
    timed: false,
    bytes: 0,
    async setup(bufs) {
      const op = await AdamW.prepare(bufs.gpu);
      const param0 = seededF32(n, 51);
      const grads = Array.from({ length: STEPS }, (_, s) => seededF32(n, 60 + s, -0.5 * (s + 1), 0.5 * (s + 1)));
      const io = { param: bufs.upload(param0, 'param'), m: bufs.zeros(n, 'm'), v: bufs.zeros(n, 'v') };
      const gradBufs = grads.map((g, s) => bufs.upload(g, `grad${s}`));
      const stepOf = (s: number) => ({ ...STEP_HYPER, step: s + 1, lr: STEP_HYPER.lr * (1 - s / 10) });
      const encode = (e: GPUCommandEncoder): void => {
        for (const [s, grad] of gradBufs.entries()) op.encode(e, { ...io, grad }, n, stepOf(s));
      };
      return {
        encode,
        async run() {
          if (batched) return submitAndWait(bufs.gpu, encode);
          for (const [s, grad] of gradBufs.entries()) await op.run({ ...io, grad }, n, stepOf(s));
        },
        async outputs() {
          const [p, m, v] = [Float64Array.from(param0), new Float64Array(n), new Float64Array(n)];
          for (const [s, g] of grads.entries()) adamwStepRef(p, g, m, v, stepOf(s), s + 1);
          return [
            { name: 'param', actual: await bufs.read(io.param, n), expected: p },
            { name: 'm', actual: await bufs.read(io.m, n), expected: m },
            { name: 'v', actual: await bufs.read(io.v, n), expected: v },
          ];
        },
      };
    },
  });
}

const cases: KernelBenchCase[] = [
  adamwCase(262_144, true),
  adamwCase(4_194_304, false),
  ...[1, 3001, 1_100_001].flatMap((n) => [stepsCase(n, false), stepsCase(n, true)]),
];
export default cases;
