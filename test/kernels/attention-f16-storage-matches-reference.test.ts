// Attention with f16 storage of Q, K and V (AttentionConfig.storage = 'f16': the shaders' `alias
// QKV` as vec4h, every load widened to f32): its match with the dense f64 reference is the
// `attention-f16` case of src/bench/kernels/attention.case.ts (checked with the other attention
// cases in attention-matches-dense-reference.test.ts). Here: an adapter without shader-f16 refuses
// it by name, and the size check of a Q buffer counts f16 bytes.
import { beforeAll, expect, it } from 'vitest';
import {
  createAttentionKernels,
  MissingFeatureError,
  STORAGE_USAGE,
  type AttentionKernels,
} from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

describeGpu('attention with f16 storage', (gpu) => {
  let attn: AttentionKernels | undefined;
  beforeAll(async () => {
    if (!gpu().hasF16) return;
    attn = await createAttentionKernels(gpu(), { heads: 2, headDim: 8, causal: true, storage: 'f16' });
  }, 400_000);

  it('compiles with f16 storage, or is refused by name (MissingFeatureError) without shader-f16', async () => {
    if (attn) {
      expect(attn.config.storage).toBe('f16');
      return;
    }
    await expect(createAttentionKernels(gpu(), { heads: 1, headDim: 8, causal: true, storage: 'f16' })).rejects.toThrow(
      MissingFeatureError,
    );
  });

  it('names f16 in the size check of a Q buffer sized for f16 but half as long', async () => {
    if (!attn) return;
    // 4 rows of [H = 2, D = 8] f16: 128 bytes (a buffer of its own: pool buffers are rounded up).
    const small = gpu().device.createBuffer({ size: 128, usage: STORAGE_USAGE });
    const state = attn.createState(8);
    const pos = attn.positions(8);
    const encoder = gpu().device.createCommandEncoder();
    expect(() =>
      attn?.encodeFold(encoder, { q: small, qPos: pos, qRows: 8, k: small, v: small, kPos: pos, kRows: 4, state }),
    ).toThrow(/q has 128 bytes, needs \[8, 2, 8\] × 2 = 256 bytes/);
    state.destroy();
    small.destroy();
  });
});
