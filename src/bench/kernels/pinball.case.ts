// Benchmarks of the pinball (quantile) loss and its gradient at the forecast head's shape: 8,760
// positions × 24 hours ahead, P10/P50/P90 each.
import { seededF32 } from '../../core/index.ts';
import { Pinball, pinballBackwardRef, pinballRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { memoryBoundCase } from './training-ops-support.ts';

const TAUS = [0.1, 0.5, 0.9];

function pinballCase(rows: number, label: string, backward: boolean, quick: boolean): KernelBenchCase {
  const Q = TAUS.length;
  const reads = (rows * Q + 2 * rows) * 4;
  return memoryBoundCase({
    kernel: backward ? 'pinball-bwd' : 'pinball-fwd',
    shape: `${label}x${Q}`,
    quick,
    bytes: reads + (backward ? rows * Q * 4 : 8),
    async setup(bufs) {
      const op = await Pinball.prepare(bufs.gpu);
      const pred = seededF32(rows * Q, 51, -2, 2);
      const target = seededF32(rows, 52, -2, 2);
      const mask = seededF32(rows, 53).map((v) => (v > -0.3 ? 1 : 0));
      const ref = pinballRef(pred, target, mask, TAUS);
      const io = {
        pred: bufs.upload(pred, 'pred'),
        target: bufs.upload(target, 'target'),
        mask: bufs.upload(mask, 'mask'),
        // The backward reads Σ mask from the forward's stats: start it from the reference's.
        stats: bufs.upload(Float32Array.of(ref.loss, ref.weight), 'stats'),
        dpred: bufs.zeros(rows * Q, 'dpred'),
      };
      const shape = { rows, taus: TAUS };
      if (backward) {
        return {
          encode: (e) => op.encodeBackward(e, io, shape),
          outputs: async () => [await bufs.read(io.dpred, rows * Q), pinballBackwardRef(pred, target, mask, TAUS)],
          destroy: () => op.destroy(),
        };
      }
      return {
        encode: (e) => op.encode(e, io, shape),
        outputs: async () => [await bufs.read(io.stats, 2), [ref.loss, ref.weight]],
        destroy: () => op.destroy(),
      };
    },
  });
}

const cases: KernelBenchCase[] = [
  pinballCase(8760 * 24, '8760x24', false, true),
  pinballCase(8760 * 24, '8760x24', true, true),
];
export default cases;
