// Benchmarks of bias add, residual add (in place) and the bias gradient at the model's shapes
// (T = 8,760 hourly rows): memory-bound, so reported in GB/s.
import { BiasAdd, ResidualAdd, biasAddRef, biasGradRef, residualAddRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { seededF32 } from '../../core/index.ts';
import { memoryBoundCase } from './training-ops-support.ts';

function biasAddCase(rows: number, cols: number, quick: boolean): KernelBenchCase {
  const n = rows * cols;
  return memoryBoundCase({
    kernel: 'bias-add',
    shape: `${rows}x${cols}`,
    quick,
    bytes: (2 * n + cols) * 4,
    async setup(bufs) {
      const op = await BiasAdd.prepare(bufs.gpu);
      const [x, b] = [seededF32(n, 1), seededF32(cols, 2)];
      const io = { x: bufs.upload(x, 'x'), bias: bufs.upload(b, 'bias'), y: bufs.zeros(n, 'y') };
      return {
        encode: (e) => op.encode(e, io, { rows, cols }),
        outputs: async () => [await bufs.read(io.y, n), biasAddRef(x, b, rows, cols)],
        destroy: () => op.destroy(),
      };
    },
  });
}

function biasGradCase(rows: number, cols: number, quick: boolean): KernelBenchCase {
  return memoryBoundCase({
    kernel: 'bias-grad',
    shape: `${rows}x${cols}`,
    quick,
    bytes: (rows * cols + cols) * 4,
    async setup(bufs) {
      const op = await BiasAdd.prepare(bufs.gpu);
      const dy = seededF32(rows * cols, 3);
      const io = { dy: bufs.upload(dy, 'dy'), dbias: bufs.zeros(cols, 'dbias') };
      return {
        encode: (e) => op.encodeGrad(e, io, { rows, cols }),
        outputs: async () => [
          await bufs.read(io.dbias, cols),
          biasGradRef(dy, rows, cols),
          biasGradRef(dy.map(Math.abs), rows, cols),
        ],
        destroy: () => op.destroy(),
      };
    },
  });
}

function residualCase(total: number, label: string, quick: boolean): KernelBenchCase {
  return memoryBoundCase({
    kernel: 'residual-add',
    shape: `${label} in place`,
    quick,
    bytes: 3 * total * 4,
    async setup(bufs) {
      const op = await ResidualAdd.prepare(bufs.gpu);
      const [acc, y] = [seededF32(total, 4), seededF32(total, 5)];
      const io = { acc: bufs.upload(acc, 'acc'), y: bufs.upload(y, 'y') };
      return {
        encode: (e) => op.encodeInPlace(e, io, total),
        outputs: async () => [await bufs.read(io.acc, total), residualAddRef(acc, y)],
      };
    },
  });
}

const cases: KernelBenchCase[] = [
  biasAddCase(8760, 64, true),
  biasAddCase(8760, 256, false),
  residualCase(8760 * 64, '8760x64', true),
  residualCase(8760 * 256, '8760x256', false),
  biasGradCase(8760, 64, true),
  biasGradCase(8760, 256, false),
];
export default cases;
