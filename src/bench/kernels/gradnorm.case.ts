// Benchmark of the global gradient norm with clipping over a model-like set of gradient buffers
// (one pass reading every gradient, then one read + write to scale them: 12 B per value).
import { GradNorm, clipGradsRef, gradNormRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { seededF32 } from '../../core/index.ts';
import { memoryBoundCase } from './training-ops-support.ts';

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
            [...got, ...lastGot],
            [ref.norm, ref.scale, ...(clipped[last] ?? [])],
          ];
        },
        destroy: () => op.destroy(),
      };
    },
  });
}

/** A small pre-norm block's parameter gradients: projections, MLP, norms and biases. */
const MODEL_SMALL = [64 * 64, 64, 64 * 192, 192, 64 * 64, 64, 64 * 256, 256, 256 * 64, 64, 64, 64];
const MODEL_LARGE = [256 * 256, 256, 256 * 768, 768, 256 * 256, 256, 256 * 1024, 1024, 1024 * 256, 256, 256, 256];

const cases: KernelBenchCase[] = [
  gradNormCase(MODEL_SMALL, true),
  gradNormCase([...MODEL_LARGE, ...MODEL_LARGE, ...MODEL_LARGE, ...MODEL_LARGE], false),
];
export default cases;
