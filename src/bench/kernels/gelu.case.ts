// GELU forward and backward (tanh approximation): the MLP's hidden activations (timed), and odd
// lengths with edge values for correctness (1,100,003 > 1,024 workgroups × 256 lanes × 4, so
// grid-stride lanes loop; zero and |x| = 60, where a naive exp(2u) overflows f32).
import { seededF32 } from '../../core/index.ts';
import { Gelu, geluBackwardRef, geluRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { memoryBoundCase, type Output } from './training-ops-support.ts';

interface GeluCase {
  readonly n: number;
  readonly shape: string;
  /** Which passes run and are compared: forward (y), backward (dx), or both in that order. */
  readonly passes: 'forward' | 'backward' | 'both';
  readonly quick: boolean;
  readonly timed: boolean;
}

function geluCase(c: GeluCase): KernelBenchCase {
  const { n, passes } = c;
  const [fwd, bwd] = [passes !== 'backward', passes !== 'forward'];
  return memoryBoundCase({
    kernel: passes === 'both' ? 'gelu' : passes === 'forward' ? 'gelu-fwd' : 'gelu-bwd',
    shape: c.shape,
    quick: c.quick,
    timed: c.timed,
    bytes: ((fwd ? 2 : 0) + (bwd ? 3 : 0)) * n * 4,
    async setup(bufs) {
      const op = await Gelu.prepare(bufs.gpu);
      const x = seededF32(n, 31, -6, 6);
      if (!c.timed && n > 4) x.set([0, -0.0, 60, -60]);
      const dy = seededF32(n, 32);
      const xBuf = bufs.upload(x, 'x');
      const y = fwd ? bufs.zeros(n, 'y') : undefined;
      const io = bwd ? { x: xBuf, dy: bufs.upload(dy, 'dy'), dx: bufs.zeros(n, 'dx') } : undefined;
      return {
        encode(e) {
          if (y) op.encode(e, { x: xBuf, y }, n);
          if (io) op.encodeBackward(e, io, n);
        },
        async outputs() {
          const out: Output[] = [];
          if (y) out.push({ name: 'y', actual: await bufs.read(y, n), expected: geluRef(x) });
          if (io) out.push({ name: 'dx', actual: await bufs.read(io.dx, n), expected: geluBackwardRef(x, dy) });
          return out;
        },
      };
    },
  });
}

const cases: KernelBenchCase[] = [
  geluCase({ n: 8760 * 256, shape: '8760x256', passes: 'forward', quick: true, timed: true }),
  geluCase({ n: 8760 * 256, shape: '8760x256', passes: 'backward', quick: true, timed: true }),
  geluCase({ n: 8760 * 1024, shape: '8760x1024', passes: 'forward', quick: false, timed: true }),
  geluCase({ n: 8760 * 1024, shape: '8760x1024', passes: 'backward', quick: false, timed: true }),
  ...[1, 257, 1_100_003].map((n) => geluCase({ n, shape: `${n}`, passes: 'both', quick: false, timed: false })),
];
export default cases;
