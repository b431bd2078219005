// Benchmark of the AdamW step in place (reads param, grad, m, v; writes param, m, v: 28 B/param).
import { AdamW, adamwStepRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { seededF32 } from '../../core/index.ts';
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
          return [await bufs.read(io.param, total), p];
        },
      };
    },
  });
}

const cases: KernelBenchCase[] = [adamwCase(262_144, true), adamwCase(4_194_304, false)];
export default cases;
