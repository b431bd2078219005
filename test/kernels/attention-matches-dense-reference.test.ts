// Full attention (forward and backward) on the GPU matches the dense f64 reference on every checked
// case of src/bench/kernels/attention.case.ts: causal and not, lengths that are and are not
// multiples of the workgroup tiles, up to T = 1024, with padded rows, under both tunings, with f16
// storage where the adapter has shader-f16, and the quick cases the gate times. Tolerances are the
// case file's (fp32: atol 1e-5, rtol 1e-4).
import { expect, it } from 'vitest';
import { createAttentionKernels } from '../../src/kernels/index.ts';
import cases, { asDiscreteGpu } from '../../src/bench/kernels/attention.case.ts';
import { describeGpu } from '../support/gpu.ts';
import { checkCases } from './kernel-cases.ts';

describeGpu('attention matches the dense reference', (gpu) => {
  // The first dispatch of a new configuration JIT-compiles on llvmpipe (D = 64: up to ~2 min on a
  // loaded 2-core machine; Mesa's shader cache makes reruns fast), hence the timeout.
  checkCases(gpu, cases, { timeout: 400_000 });

  it('the GPU tuning cases run one row per invocation in workgroups of 32', async () => {
    const attn = await createAttentionKernels(asDiscreteGpu(gpu()), { heads: 2, headDim: 32, causal: true });
    expect(attn.tuning).toEqual({ workgroupSize: 32, rows: { forward: 1, dkdv: 1, dq: 1 } });
    attn.destroy();
  });
});
