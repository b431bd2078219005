// The global gradient norm with clipping: timed over a model-like set of gradient buffers (one
// pass reading every gradient, then one read + write to scale them: 12 B per value), and checked
// over buffers of odd sizes with the norm only, clipped and not clipped, and over the first
// `count` values of a larger buffer.
import { seededF32 } from '../../core/index.ts';
import { clipGradsRef, GradNorm, gradNormRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { memoryBoundCase, type Output } from './training-ops-support.ts';

function gradNormCase(sizes: readonly number[], quick: boolean): KernelBenchCase {
  const total = sizes.reduce((s, n) => s + n, 0);
  return memoryBoundCase({
    kernel: 'gradnorm-clip',
    shape: `${sizes.length} bufs ${total} values`,
    quick,
    bytes: 3 * total * 4 + 8,
    async setup(bufs) {
      const op = await GradNorm.prepare(bufs.gpu);
      const grads = sizes.map((n, i) => seededF32(n, 70 + i, -0.1, 0.1));
      const slices = grads.map((g, i) => ({ buffer: bufs.upload(g, `grad${i}`), count: g.length }));
      const result = bufs.zeros(2, 'result');
      const maxNorm = 1;
      return {
        encode: (e) => op.encodeNormAndClip(e, slices, result, maxNorm),
        async outputs() {
          const ref = gradNormRef(grads, maxNorm);
          const clipped = clipGradsRef(grads, ref.scale);
          const last = slices.length - 1;
          const got = await bufs.read(result, 2);
          const lastGot = await bufs.read(slices[last]?.buffer ?? result, sizes[last] ?? 0);
          return [
            {
              name: 'result, last grad',
              actual: [...got, ...lastGot],
              expected: [ref.norm, ref.scale, ...(clipped[last] ?? [])],
            },
          ];
        },
        destroy: () => op.destroy(),
      };
    },
  });
}

/** Sizes of the correctness cases: one value, odd counts, and more than one workgroup's partials. */
export const ODD_SIZES = [1, 37, 1031, 70_001, 1_050_001];

/** The seeded gradients of the correctness cases (buffer i spans ±0.1·(i + 1)). */
export function oddGrads(): Float32Array[] {
  return ODD_SIZES.map((n, i) => seededF32(n, 70 + i, -0.1 * (i + 1), 0.1 * (i + 1)));
}

/** Correctness: result [norm, scale] and every buffer after clipping (left alone with maxNorm 0). */
function clipCase(label: string, maxNorm: number): KernelBenchCase {
  return memoryBoundCase({
    kernel: 'gradnorm-clip',
    shape: `${label} over buffers of ${ODD_SIZES.join(', ')} values`,
    quick: false,
    timed: false,
    bytes: 0,
    async setup(bufs) {
      const op = await GradNorm.prepare(bufs.gpu);
      const grads = oddGrads();
      const slices = grads.map((g, i) => ({ buffer: bufs.upload(g, `grad${i}`), count: g.length }));
      const result = bufs.zeros(2, 'result');
      return {
        encode: (e) => op.encodeNormAndClip(e, slices, result, maxNorm),
        async outputs() {
          const ref = gradNormRef(grads, maxNorm);
          const clipped = clipGradsRef(grads, maxNorm > 0 ? ref.scale : 1);
          const out: Output[] = [
            { name: 'result [norm, scale]', actual: await bufs.read(result, 2), expected: [ref.norm, ref.scale] },
          ];
          for (const [i, s] of slices.entries()) {
            out.push({ name: `grad${i}`, actual: await bufs.read(s.buffer, s.count), expected: clipped[i] ?? [] });
          }
          return out;
        },
        destroy: () => op.destroy(),
      };
    },
  });
}

/** Correctness: only the first 333 of 1,000 values count. */
const prefixCase: KernelBenchCase = memoryBoundCase({
  kernel: 'gradnorm',
  shape: 'first 333 of 1000 values',
  quick: false,
  timed: false,
  bytes: 0,
  async setup(bufs) {
    const op = await GradNorm.prepare(bufs.gpu);
    const data = seededF32(1000, 80);
    const slices = [{ buffer: bufs.upload(data, 'grad'), count: 333 }];
    const result = bufs.zeros(2, 'result');
    return {
      encode: (e) => op.encode(e, slices, result),
      outputs: async () => [
        {
          name: 'result',
          actual: await bufs.read(result, 2),
          expected: [gradNormRef([data.subarray(0, 333)]).norm, 1],
        },
      ],
      destroy: () => op.destroy(),
    };
  },
});

/** A small pre-norm block's parameter gradients: projections, MLP, norms and biases. */
const MODEL_SMALL = [64 * 64, 64, 64 * 192, 192, 64 * 64, 64, 64 * 256, 256, 256 * 64, 64, 64, 64];
const MODEL_LARGE = [256 * 256, 256, 256 * 768, 768, 256 * 256, 256, 256 * 1024, 1024, 1024 * 256, 256, 256, 256];

/** maxNorm of the clipping correctness cases: below the norm (clips), above it (leaves alone). */
export const CLIPPING_MAX_NORM = 1.5;
export const NON_CLIPPING_MAX_NORM = 1e4;

const cases: KernelBenchCase[] = [
  gradNormCase(MODEL_SMALL, true),
  gradNormCase([...MODEL_LARGE, ...MODEL_LARGE, ...MODEL_LARGE, ...MODEL_LARGE], false),
  clipCase('norm only (maxNorm 0)', 0),
  clipCase('clipped (maxNorm below the norm)', CLIPPING_MAX_NORM),
  clipCase('not clipped (maxNorm above the norm)', NON_CLIPPING_MAX_NORM),
  prefixCase,
];
export default cases;
