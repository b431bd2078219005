// Attention with f16 storage of Q, K and V (AttentionConfig.storage = 'f16': the shaders' `alias
// QKV` as vec4h, every load widened to f32) matches the dense f64 reference: against the f16-rounded
// inputs forward and backward are as exact as the f32 kernels (FP32 tolerance: only f32 rounding is
// added), and against the unrounded inputs O and lse stay inside attentionF16StorageTolerance (the
// bound one f16 rounding per input gives; see attention.ref.ts).
import { beforeAll, expect, it } from 'vitest';
import { FP32_TOLERANCE } from '../../src/core/index.ts';
import {
  attentionF16StorageTolerance,
  createAttentionKernels,
  fromF16Array,
  MissingFeatureError,
  STORAGE_USAGE,
  tensorFromArray,
  toF16Array,
  type AttentionKernels,
  type Tensor,
} from '../../src/kernels/index.ts';
import { attentionBackwardRef, attentionForwardRef } from '../../src/kernels/ops/attention.ref.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { caseData, describeCase, read, upload, type AttentionCase } from './attention-inputs.ts';

// D = 8 keeps llvmpipe's first compile of the f16 variants short; padded rows and a length that is
// not a multiple of the row groups exercise the masks and edges.
const CASE: AttentionCase = { T: 203, H: 2, D: 8, causal: true, padEvery: 7 };

const rounded = (x: Float32Array): Float32Array => fromF16Array(toF16Array(x));

describeGpu('attention with f16 storage', (gpu) => {
  let attn: AttentionKernels | undefined;
  beforeAll(async () => {
    if (!gpu().hasF16) return;
    attn = await createAttentionKernels(gpu(), { heads: CASE.H, headDim: CASE.D, causal: true, storage: 'f16' });
  }, 400_000);

  it(`forward and backward, ${describeCase(CASE)}`, { timeout: 400_000 }, async () => {
    const g = gpu();
    if (!attn) {
      await expect(createAttentionKernels(g, { heads: 1, headDim: 8, causal: true, storage: 'f16' })).rejects.toThrow(
        MissingFeatureError,
      );
      return;
    }
    expect(attn.config.storage).toBe('f16');
    const data = caseData(CASE, 5);
    const n = CASE.T * CASE.H * CASE.D;
    const half: Tensor[] = [data.q, data.k, data.v].map((x) => tensorFromArray(g, x, [x.length], 'f16'));
    const [q, k, v] = half.map((t) => t.buffer);
    const { b, destroy } = upload(g, { dO: data.dO, pos: data.pos });
    const cfg = { heads: CASE.H, headDim: CASE.D, causal: true };
    const stored = { q: rounded(data.q), k: rounded(data.k), v: rounded(data.v), qPos: data.pos, kPos: data.pos };
    const T = CASE.T;

    const { o, lse } = await attn.forward({ q: q!, k: k!, v: v!, T, positions: b['pos']! });
    const gotO = await read(g, o, n);
    const gotLse = await read(g, lse, T * CASE.H);
    const exact = attentionForwardRef(cfg, stored);
    expectAllClose(gotO, exact.o, FP32_TOLERANCE, 'o vs f16-rounded inputs');
    expectAllClose(gotLse, exact.lse, FP32_TOLERANCE, 'lse vs f16-rounded inputs');
    const given = { q: data.q, k: data.k, v: data.v, qPos: data.pos, kPos: data.pos };
    const tol = attentionF16StorageTolerance(cfg, given);
    const ref = attentionForwardRef(cfg, given);
    expectAllClose(gotO, ref.o, tol.o, 'o vs f32 inputs');
    expectAllClose(gotLse, ref.lse, tol.lse, 'lse vs f32 inputs');

    const grads = await attn.backward({ q: q!, k: k!, v: v!, T, positions: b['pos']!, o, lse, dO: b['dO']! });
    const refGrads = attentionBackwardRef(cfg, stored, data.dO);
    expectAllClose(await read(g, grads.dq, n), refGrads.dq, FP32_TOLERANCE, 'dq vs f16-rounded inputs');
    expectAllClose(await read(g, grads.dk, n), refGrads.dk, FP32_TOLERANCE, 'dk vs f16-rounded inputs');
    expectAllClose(await read(g, grads.dv, n), refGrads.dv, FP32_TOLERANCE, 'dv vs f16-rounded inputs');
    expect(Math.max(...Array.from(refGrads.dq, Math.abs))).toBeGreaterThan(1e-2); // not vacuous
    for (const buf of [o, lse, grads.dq, grads.dk, grads.dv]) buf.destroy();
    for (const t of half) t.release();
    destroy();
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
