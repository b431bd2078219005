// Ring attention (shared device) equals dense attention: O, lse, dQ, dK, dV for every layout,
// R ∈ {1, 2, 3, 4, 8}, causal and not, lengths divisible by every layout's chunk count and not.
import { beforeAll, describe, it } from 'vitest';
import { FP32_TOLERANCE } from '../../src/core/index.ts';
import { createSharedTransport, RING_LAYOUTS } from '../../src/ring/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { caseInputs, denseReference, runRing } from './support.ts';

// fp32 against an f64 reference: atol 1e-5 + rtol 1e-4·|ref| (project default).
const TOL = FP32_TOLERANCE; // atol 1e-5, rtol 1e-4
const H = 2;
const D = 16;
// 48 is divisible by 2R for every R below; 37 is prime (padding for every R > 1).
const LENGTHS = [48, 37];
const RANKS = [1, 2, 3, 4, 8];

describeGpu('ring attention matches dense attention', (gpu) => {
  // The CPU Vulkan driver JIT-compiles a pipeline at its first dispatch; the kernels' non-causal
  // backward takes ~20 s of CPU there (more wall time on a loaded machine), so pay it up front.
  beforeAll(async () => {
    for (const causal of [true, false]) {
      const config = { seqLen: 8, ranks: 1, layout: 'contiguous', heads: H, headDim: D, causal } as const;
      await runRing(createSharedTransport(gpu(), 1), config, caseInputs({ T: 8, H, D, seed: 1 }));
    }
  }, 600_000);

  for (const causal of [true, false]) {
    for (const T of LENGTHS) {
      describe(`${causal ? 'causal' : 'full'} T=${T}`, () => {
        const x = caseInputs({ T, H, D, seed: T * 7 + (causal ? 1 : 0) });
        const ref = denseReference({ T, H, D, causal }, x);
        const grads = ref;
        for (const layout of RING_LAYOUTS) {
          it.each(RANKS)(`${layout} R=%i: O, lse, dQ, dK, dV within fp32 tolerance`, async (R) => {
            const transport = createSharedTransport(gpu(), R);
            const got = await runRing(transport, { seqLen: T, ranks: R, layout, heads: H, headDim: D, causal }, x);
            const what = `${layout} R=${R} T=${T}`;
            expectAllClose(got.o, ref.o, TOL, `${what} O`);
            expectAllClose(got.lse, ref.lse, TOL, `${what} lse`);
            expectAllClose(got.dq, grads.dq, TOL, `${what} dQ`);
            expectAllClose(got.dk, grads.dk, TOL, `${what} dK`);
            expectAllClose(got.dv, grads.dv, TOL, `${what} dV`);
          });
        }
      });
    }
  }
});
