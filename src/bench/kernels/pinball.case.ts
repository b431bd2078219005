// The pinball (quantile) loss and its gradient: timed at the forecast head's shape (8,760
// positions × 24 hours ahead, P10/P50/P90 each); checked for 1 and 3 quantiles on odd row counts,
// one-workgroup and many-workgroup, forward then backward (gradient seed 0.5).
import { seededF32 } from '../../core/index.ts';
import { Pinball, pinballBackwardRef, pinballRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { memoryBoundCase } from './training-ops-support.ts';

const TAUS = [0.1, 0.5, 0.9];

const maskOf = (n: number, seed: number): Float32Array => seededF32(n, seed).map((v) => (v > -0.3 ? 1 : 0));

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
      const mask = maskOf(rows, 53);
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
          outputs: async () => [
            {
              name: 'dpred',
              actual: await bufs.read(io.dpred, rows * Q),
              expected: pinballBackwardRef(pred, target, mask, TAUS),
            },
          ],
          destroy: () => op.destroy(),
        };
      }
      return {
        encode: (e) => op.encode(e, io, shape),
        outputs: async () => [
          { name: 'stats', actual: await bufs.read(io.stats, 2), expected: [ref.loss, ref.weight] },
        ],
        destroy: () => op.destroy(),
      };
    },
  });
}

/** Correctness: the forward from zeroed stats, then the backward seeded with 0.5, both compared. */
function roundTripCase(rows: number, taus: readonly number[]): KernelBenchCase {
  const Q = taus.length;
  return memoryBoundCase({
    kernel: 'pinball',
    shape: `${rows}x${Q} loss and gradient`,
    quick: false,
    timed: false,
    bytes: 0,
    async setup(bufs) {
      const op = await Pinball.prepare(bufs.gpu);
      const pred = seededF32(rows * Q, 51, -2, 2);
      const target = seededF32(rows, 52, -2, 2);
      const mask = maskOf(rows, 53);
      if (rows === 1) mask[0] = 1;
      const io = {
        pred: bufs.upload(pred, 'pred'),
        target: bufs.upload(target, 'target'),
        mask: bufs.upload(mask, 'mask'),
        stats: bufs.zeros(2, 'stats'),
        dpred: bufs.zeros(rows * Q, 'dpred'),
      };
      const shape = { rows, taus };
      return {
        encode(e) {
          op.encode(e, io, shape);
          op.encodeBackward(e, io, shape, 0.5);
        },
        async outputs() {
          const ref = pinballRef(pred, target, mask, taus);
          return [
            { name: 'stats', actual: await bufs.read(io.stats, 2), expected: [ref.loss, ref.weight] },
            {
              name: 'dpred',
              actual: await bufs.read(io.dpred, rows * Q),
              expected: pinballBackwardRef(pred, target, mask, taus, 0.5),
            },
          ];
        },
        destroy: () => op.destroy(),
      };
    },
  });
}

const cases: KernelBenchCase[] = [
  pinballCase(8760 * 24, '8760x24', false, true),
  pinballCase(8760 * 24, '8760x24', true, true),
  ...[1, 1001, 210_241].flatMap((rows) => [roundTripCase(rows, [0.5]), roundTripCase(rows, TAUS)]),
];
export default cases;
