// Bias add, residual add and the bias gradient: timed at the model's shapes (T = 8,760 hourly
// rows; memory-bound, so reported in GB/s), and checked on sizes that are not multiples of the
// workgroup ([2003, 131] and [8761, 124] exceed 1,024 workgroups × 256 lanes, scalar and vec4, so
// lanes loop; 1,100,003 residuals exceed them × 4).
import { seededF32 } from '../../core/index.ts';
import { BiasAdd, biasAddRef, biasGradRef, ResidualAdd, residualAddRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { memoryBoundCase } from './training-ops-support.ts';

/** Timed: y = x + bias out of place. Correctness (`inPlace`): then x += bias in place, both compared. */
function biasAddCase(rows: number, cols: number, quick: boolean, inPlace = false): KernelBenchCase {
  const n = rows * cols;
  return memoryBoundCase({
    kernel: inPlace ? 'bias-add out of and in place' : 'bias-add',
    shape: `${rows}x${cols}`,
    quick,
    timed: !inPlace,
    bytes: (2 * n + cols) * 4,
    async setup(bufs) {
      const op = await BiasAdd.prepare(bufs.gpu);
      const [x, b] = [seededF32(n, 1), seededF32(cols, 2)];
      const io = { x: bufs.upload(x, 'x'), bias: bufs.upload(b, 'bias'), y: bufs.zeros(n, 'y') };
      const want = biasAddRef(x, b, rows, cols);
      return {
        encode(e) {
          op.encode(e, io, { rows, cols });
          if (inPlace) op.encodeInPlace(e, { xy: io.x, bias: io.bias }, { rows, cols });
        },
        async outputs() {
          const y = { name: 'y', actual: await bufs.read(io.y, n), expected: want };
          return inPlace ? [y, { name: 'xy', actual: await bufs.read(io.x, n), expected: want }] : [y];
        },
        destroy: () => op.destroy(),
      };
    },
  });
}

/**
 * dbias = Σ_rows dy. Timed cases judge the sum relative to Σ|dy| (an f32 sum of 8,760 terms that
 * cancels to ≈ 0); the correctness cases keep the plain fp32 bound on |ref|.
 */
function biasGradCase(rows: number, cols: number, quick: boolean, timed = true, seed = 3): KernelBenchCase {
  return memoryBoundCase({
    kernel: 'bias-grad',
    shape: `${rows}x${cols}${seed === 3 ? '' : ` seed ${seed}`}`,
    quick,
    timed,
    bytes: (rows * cols + cols) * 4,
    async setup(bufs) {
      const op = await BiasAdd.prepare(bufs.gpu);
      const dy = seededF32(rows * cols, seed);
      const io = { dy: bufs.upload(dy, 'dy'), dbias: bufs.zeros(cols, 'dbias') };
      return {
        encode: (e) => op.encodeGrad(e, io, { rows, cols }),
        outputs: async () => [
          {
            name: 'dbias',
            actual: await bufs.read(io.dbias, cols),
            expected: biasGradRef(dy, rows, cols),
            ...(timed ? { scale: biasGradRef(dy.map(Math.abs), rows, cols) } : {}),
          },
        ],
        destroy: () => op.destroy(),
      };
    },
  });
}

/** Timed: acc += y in place. Correctness (`outOfPlace`): out = x + y first, both compared. */
function residualCase(total: number, label: string, quick: boolean, outOfPlace = false): KernelBenchCase {
  return memoryBoundCase({
    kernel: 'residual-add',
    shape: `${label} ${outOfPlace ? 'out of and in place' : 'in place'}`,
    quick,
    timed: !outOfPlace,
    bytes: 3 * total * 4,
    async setup(bufs) {
      const op = await ResidualAdd.prepare(bufs.gpu);
      const [acc, y] = [seededF32(total, outOfPlace ? 5 : 4), seededF32(total, outOfPlace ? 6 : 5)];
      const io = { acc: bufs.upload(acc, 'acc'), y: bufs.upload(y, 'y') };
      const out = outOfPlace ? { x: bufs.upload(acc, 'x'), out: bufs.zeros(total, 'out') } : undefined;
      const want = residualAddRef(acc, y);
      return {
        encode(e) {
          if (out) op.encode(e, { x: out.x, y: io.y, out: out.out }, total);
          op.encodeInPlace(e, io, total);
        },
        async outputs() {
          const inPlace = { name: 'acc', actual: await bufs.read(io.acc, total), expected: want };
          return out ? [{ name: 'out', actual: await bufs.read(out.out, total), expected: want }, inPlace] : [inPlace];
        },
      };
    },
  });
}

const SHAPES: readonly (readonly [number, number])[] = [
  [1, 1],
  [37, 19],
  [301, 67],
  [1000, 3],
  [203, 36],
  [2003, 131],
  [8761, 124],
];

const cases: KernelBenchCase[] = [
  biasAddCase(8760, 64, true),
  biasAddCase(8760, 256, false),
  residualCase(8760 * 64, '8760x64', true),
  residualCase(8760 * 256, '8760x256', false),
  biasGradCase(8760, 64, true),
  biasGradCase(8760, 256, false),
  ...SHAPES.flatMap(([rows, cols]) => [biasAddCase(rows, cols, false, true), biasGradCase(rows, cols, false, false)]),
  biasGradCase(8760, 24, false, false, 4), // a tall gradient: two column-sum passes
  residualCase(1_100_003, '1100003', false, true),
];
export default cases;
