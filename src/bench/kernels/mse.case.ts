// Benchmarks of the MSE loss (a reduction) and its gradient, at the forecast head's shape
// (8,760 positions × 24 hours ahead) and at 1 M elements; masked variants count the mask's bytes.
import { Mse, mseBackwardRef, mseRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { seededF32 } from '../../core/index.ts';
import { memoryBoundCase } from './training-ops-support.ts';

function mseCase(total: number, label: string, backward: boolean, masked: boolean, quick: boolean): KernelBenchCase {
  const reads = (masked ? 3 : 2) * total * 4;
  return memoryBoundCase({
    kernel: backward ? 'mse-bwd' : 'mse-fwd',
    shape: `${label}${masked ? ' masked' : ''}`,
    quick,
    bytes: reads + (backward ? total * 4 : 8),
    async setup(bufs) {
      const op = await Mse.prepare(bufs.gpu);
      const [pred, target] = [seededF32(total, 41, -2, 2), seededF32(total, 42, -2, 2)];
      const mask = masked ? seededF32(total, 43).map((v) => (v > -0.3 ? 1 : 0)) : undefined;
      const ref = mseRef(pred, target, mask);
      const io = {
        pred: bufs.upload(pred, 'pred'),
        target: bufs.upload(target, 'target'),
        // The backward reads Σ mask from the forward's stats: start it from the reference's.
        stats: bufs.upload(Float32Array.of(ref.loss, ref.weight), 'stats'),
        dpred: bufs.zeros(total, 'dpred'),
        ...(mask ? { mask: bufs.upload(mask, 'mask') } : {}),
      };
      if (backward) {
        return {
          encode: (e) => op.encodeBackward(e, io, total),
          outputs: async () => [await bufs.read(io.dpred, total), mseBackwardRef(pred, target, mask)],
          destroy: () => op.destroy(),
        };
      }
      return {
        encode: (e) => op.encode(e, io, total),
        outputs: async () => [await bufs.read(io.stats, 2), [ref.loss, ref.weight]],
        destroy: () => op.destroy(),
      };
    },
  });
}

const cases: KernelBenchCase[] = [
  mseCase(8760 * 24, '8760x24', false, false, true),
  mseCase(8760 * 24, '8760x24', true, false, true),
  mseCase(8760 * 24, '8760x24', false, true, false),
  mseCase(1 << 20, '1048576', false, false, false),
  mseCase(1 << 20, '1048576', true, false, false),
];
export default cases;
