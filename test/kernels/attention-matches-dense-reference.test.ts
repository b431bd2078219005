// Full attention (forward and backward) on the GPU matches the dense f64 reference: causal and
// not, lengths that are and are not multiples of the workgroup tiles (workgroup size × rows per
// invocation: 32–96 rows on CPU adapters, 32 on GPUs), up to T = 1024, with padded rows, under
// both tunings. Tolerance fp32: atol 1e-5, rtol 1e-4 (inputs in [-1, 1), so scores stay small).
import { beforeAll, describe, expect, it } from 'vitest';
import { FP32_TOLERANCE } from '../../src/core/index.ts';
import { createAttentionKernels, type AttentionKernels, type Gpu } from '../../src/kernels/index.ts';
import { attentionBackwardRef, attentionForwardRef } from '../../src/kernels/ops/attention.ref.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { caseData, describeCase, read, upload, type AttentionCase } from './attention-inputs.ts';

const TOL = FP32_TOLERANCE; // atol 1e-5, rtol 1e-4

// Grouped by (H, D, causal) so each group compiles its pipelines once.
const GROUPS: readonly (readonly AttentionCase[])[] = [
  [
    { T: 100, H: 2, D: 16, causal: true, padEvery: 0 },
    { T: 1024, H: 2, D: 16, causal: true, padEvery: 0 },
    { T: 333, H: 2, D: 16, causal: true, padEvery: 7 },
  ],
  [
    { T: 256, H: 1, D: 32, causal: false, padEvery: 0 },
    { T: 301, H: 1, D: 32, causal: false, padEvery: 5 },
  ],
  [{ T: 77, H: 4, D: 64, causal: true, padEvery: 9 }],
];

/**
 * The adapter as a GPU would present itself, so the GPU tuning (one row per invocation,
 * workgroups of 32) runs here too: on a CPU adapter the suite otherwise checks the CPU tuning only.
 */
function asDiscreteGpu(g: Gpu): Gpu {
  return { ...g, adapter: { ...g.adapter, description: 'discrete GPU (tuning under test)', architecture: 'test' } };
}

describeGpu('attention matches the dense reference', (gpu) => {
  for (const group of GROUPS) {
    const first = group[0]!;
    describe(`H=${first.H} D=${first.D} ${first.causal ? 'causal' : 'non-causal'}`, () => {
      let attn: AttentionKernels;
      beforeAll(async () => {
        attn = await createAttentionKernels(gpu(), { heads: first.H, headDim: first.D, causal: first.causal });
      });
      for (const c of group) {
        // The first dispatch of a new configuration JIT-compiles on llvmpipe (D = 64: up to ~2 min
        // on a loaded 2-core machine; Mesa's shader cache makes reruns fast), hence the timeout.
        it(`forward and backward, ${describeCase(c)}`, { timeout: 400_000 }, async () => {
          await checkCase(gpu(), attn, c);
        });
      }
    });
  }

  describe('GPU tuning', () => {
    const cases: readonly AttentionCase[] = [
      { T: 333, H: 2, D: 32, causal: true, padEvery: 7 },
      { T: 64, H: 2, D: 32, causal: true, padEvery: 0 },
    ];
    let attn: AttentionKernels;
    beforeAll(async () => {
      attn = await createAttentionKernels(asDiscreteGpu(gpu()), { heads: 2, headDim: 32, causal: true });
    });
    it('runs one row per invocation in workgroups of 32 (the tuning under test is in effect)', () => {
      expect(attn.tuning).toEqual({ workgroupSize: 32, rows: { forward: 1, dkdv: 1, dq: 1 } });
    });
    for (const c of cases) {
      it(`forward and backward, ${describeCase(c)}`, { timeout: 400_000 }, async () => {
        await checkCase(gpu(), attn, c);
      });
    }
  });
});

async function checkCase(gpu: Gpu, attn: AttentionKernels, c: AttentionCase): Promise<void> {
  const data = caseData(c);
  const { b, destroy } = upload(gpu, { q: data.q, k: data.k, v: data.v, dO: data.dO, pos: data.pos });
  const n = c.T * c.H * c.D;
  const cfg = { heads: c.H, headDim: c.D, causal: c.causal };
  const x = { q: data.q, k: data.k, v: data.v, qPos: data.pos, kPos: data.pos };
  const ref = attentionForwardRef(cfg, x);
  const { o, lse } = await attn.forward({ q: b['q']!, k: b['k']!, v: b['v']!, T: c.T, positions: b['pos']! });
  expectAllClose(await read(gpu, o, n), ref.o, TOL, 'o');
  expectAllClose(await read(gpu, lse, c.T * c.H), ref.lse, TOL, 'lse');
  const grads = await attn.backward({
    q: b['q']!,
    k: b['k']!,
    v: b['v']!,
    T: c.T,
    positions: b['pos']!,
    o,
    lse,
    dO: b['dO']!,
  });
  const refGrads = attentionBackwardRef(cfg, x, data.dO);
  expectAllClose(await read(gpu, grads.dq, n), refGrads.dq, TOL, 'dq');
  expectAllClose(await read(gpu, grads.dk, n), refGrads.dk, TOL, 'dk');
  expectAllClose(await read(gpu, grads.dv, n), refGrads.dv, TOL, 'dv');
  // Not vacuous: the gradients are far from zero.
  expect(Math.max(...Array.from(refGrads.dq, Math.abs))).toBeGreaterThan(1e-2);
  for (const buf of [o, lse, grads.dq, grads.dk, grads.dv]) buf.destroy();
  destroy();
}
