// The MSE loss (a reduction) and its gradient: timed at the forecast head's shape (8,760 positions
// × 24 hours ahead) and at 1 M elements, masked variants counting the mask's bytes; checked on odd
// lengths, one-workgroup and many-workgroup, forward then backward (gradient seed 0.5).
import { seededF32 } from '../../core/index.ts';
import { Mse, mseBackwardRef, mseRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { memoryBoundCase } from './training-ops-support.ts';

const maskOf = (n: number, seed: number): Float32Array => seededF32(n, seed).map((v) => (v > -0.3 ? 1 : 0));

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
      const mask = masked ? maskOf(total, 43) : undefined;
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
          outputs: async () => [
            { name: 'dpred', actual: await bufs.read(io.dpred, total), expected: mseBackwardRef(pred, target, mask) },
          ],
          destroy: () => op.destroy(),
        };
      }
      return {
        encode: (e) => op.encode(e, io, total),
        outputs: async () => [
          { name: 'stats', actual: await bufs.read(io.stats, 2), expected: [ref.loss, ref.weight] },
        ],
        destroy: () => op.destroy(),
      };
    },
  });
}

/** Correctness: the forward from zeroed stats, then the backward seeded with 0.5, both compared. */
function roundTripCase(n: number, masked: boolean): KernelBenchCase {
  return memoryBoundCase({
    kernel: 'mse',
    shape: `${n}${masked ? ' masked' : ''} loss and gradient`,
    quick: false,
    timed: false,
    bytes: 0,
    async setup(bufs) {
      const op = await Mse.prepare(bufs.gpu);
      const pred = seededF32(n, 41, -2, 2);
      const target = seededF32(n, 42, -2, 2);
      const mask = masked ? maskOf(n, 43) : undefined;
      const io = {
        pred: bufs.upload(pred, 'pred'),
        target: bufs.upload(target, 'target'),
        stats: bufs.zeros(2, 'stats'),
        dpred: bufs.zeros(n, 'dpred'),
        ...(mask ? { mask: bufs.upload(mask, 'mask') } : {}),
      };
      return {
        encode(e) {
          op.encode(e, io, n);
          op.encodeBackward(e, io, n, 0.5);
        },
        async outputs() {
          const ref = mseRef(pred, target, mask);
          return [
            { name: 'stats', actual: await bufs.read(io.stats, 2), expected: [ref.loss, ref.weight] },
            { name: 'dpred', actual: await bufs.read(io.dpred, n), expected: mseBackwardRef(pred, target, mask, 0.5) },
          ];
        },
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
  ...[1, 1001, 210_241].flatMap((n) => [roundTripCase(n, false), roundTripCase(n, true)]),
];
export default cases;
