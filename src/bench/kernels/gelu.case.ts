// Benchmarks of GELU forward and backward (tanh approximation) over the MLP's hidden activations.
import { Gelu, geluBackwardRef, geluRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { seededF32 } from '../../core/index.ts';
import { memoryBoundCase } from './training-ops-support.ts';

function geluCase(rows: number, cols: number, backward: boolean, quick: boolean): KernelBenchCase {
  const n = rows * cols;
  return memoryBoundCase({
    kernel: backward ? 'gelu-bwd' : 'gelu-fwd',
    shape: `${rows}x${cols}`,
    quick,
    bytes: (backward ? 3 : 2) * n * 4,
    async setup(bufs) {
      const op = await Gelu.prepare(bufs.gpu);
      const [x, dy] = [seededF32(n, 31, -6, 6), seededF32(n, 32)];
      const xBuf = bufs.upload(x, 'x');
      const out = bufs.zeros(n, backward ? 'dx' : 'y');
      if (backward) {
        const dyBuf = bufs.upload(dy, 'dy');
        return {
          encode: (e) => op.encodeBackward(e, { x: xBuf, dy: dyBuf, dx: out }, n),
          outputs: async () => [await bufs.read(out, n), geluBackwardRef(x, dy)],
        };
      }
      return {
        encode: (e) => op.encode(e, { x: xBuf, y: out }, n),
        outputs: async () => [await bufs.read(out, n), geluRef(x)],
      };
    },
  });
}

const cases: KernelBenchCase[] = [
  geluCase(8760, 256, false, true),
  geluCase(8760, 256, true, true),
  geluCase(8760, 1024, false, false),
  geluCase(8760, 1024, true, false),
];
export default cases;
