// Bad attention input gets a ShapeError that names the argument, its shape and the limit; and the
// specialised attention shaders compile without any message.
import { beforeAll, expect, it } from 'vitest';
import {
  createAttentionKernels,
  ShapeError,
  uploadF32,
  uploadU32,
  type AttentionKernels,
} from '../../src/kernels/index.ts';
import { specialiseSource } from '../../src/kernels/ops/attention-pipelines.ts';
import { describeGpu } from '../support/gpu.ts';

describeGpu('attention rejects bad shapes', (gpu) => {
  let attn: AttentionKernels;
  beforeAll(async () => {
    attn = await createAttentionKernels(gpu(), { heads: 2, headDim: 16, causal: true });
  });

  it('rejects head dims that are not a multiple of 4 in [4, 128]', async () => {
    for (const headDim of [30, 0, 132, 256]) {
      const attempt = createAttentionKernels(gpu(), { heads: 1, headDim, causal: true });
      await expect(attempt).rejects.toThrow(ShapeError);
      await expect(attempt).rejects.toThrow(
        `headDim ${headDim} is unsupported: it must be a multiple of 4 in [4, 128]`,
      );
    }
    await expect(createAttentionKernels(gpu(), { heads: 0, headDim: 16, causal: true })).rejects.toThrow(
      'heads must be a positive integer, got 0',
    );
  });

  it('names the buffer and the shape it must hold when a block buffer is too small', () => {
    const g = gpu();
    const q = uploadF32(g, new Float32Array(10 * 2 * 16));
    const k = uploadF32(g, new Float32Array(9 * 2 * 16)); // one row short of kRows = 10
    const pos = uploadU32(g, new Uint32Array(10));
    const state = attn.createState(10);
    const encoder = g.device.createCommandEncoder();
    const fold = () => attn.encodeFold(encoder, { q, qPos: pos, qRows: 10, k, v: q, kPos: pos, kRows: 10, state });
    expect(fold).toThrow(ShapeError);
    expect(fold).toThrow('attention fold: k has 1152 bytes, needs [10, 2, 16] × 4 = 1280 bytes');
    const smallState = attn.createState(5);
    expect(() =>
      attn.encodeFold(encoder, { q, qPos: pos, qRows: 10, k: q, v: q, kPos: pos, kRows: 10, state: smallState }),
    ).toThrow('attention fold: state has 5 rows, needs qOffset 0 + qRows 10');
    for (const b of [q, k, pos]) b.destroy();
    state.destroy();
    smallState.destroy();
  });

  it('names qSegmentRows / kSegmentRows when a segment is not a positive integer', () => {
    const g = gpu();
    const buf = uploadF32(g, new Float32Array(10 * 2 * 16));
    const small = uploadF32(g, new Float32Array(10 * 2));
    const pos = uploadU32(g, new Uint32Array(10));
    const state = attn.createState(10);
    const encoder = g.device.createCommandEncoder();
    for (const qSegmentRows of [0, -3, 2.5, Number.NaN]) {
      expect(() =>
        attn.encodeFold(encoder, {
          q: buf,
          qPos: pos,
          qRows: 10,
          k: buf,
          v: buf,
          kPos: pos,
          kRows: 10,
          state,
          qSegmentRows,
        }),
      ).toThrow(`attention fold: qSegmentRows = ${qSegmentRows}, expected a positive integer`);
    }
    const block = {
      q: buf,
      qPos: pos,
      qRows: 10,
      k: buf,
      v: buf,
      kPos: pos,
      kRows: 10,
      dO: buf,
      lse: small,
      delta: small,
      dq: buf,
      dk: buf,
      dv: buf,
    };
    expect(() => attn.encodeBackwardBlock(encoder, { ...block, kSegmentRows: 0 })).toThrow(ShapeError);
    expect(() => attn.encodeBackwardBlock(encoder, { ...block, kSegmentRows: 0 })).toThrow(
      'attention backward block: kSegmentRows = 0, expected a positive integer',
    );
    for (const b of [buf, small, pos]) b.destroy();
    state.destroy();
  });

  it('names maxStorageBufferBindingSize when a block exceeds it', () => {
    const g = gpu();
    const limit = g.device.limits.maxStorageBufferBindingSize;
    const rows = Math.floor(limit / (2 * 16 * 4)) + 1; // one row past the limit
    const tiny = uploadF32(g, new Float32Array(4 * 2 * 16));
    const pos = uploadU32(g, new Uint32Array(4));
    const state = attn.createState(4);
    const encoder = g.device.createCommandEncoder();
    expect(() =>
      attn.encodeFold(encoder, { q: tiny, qPos: pos, qRows: 4, k: tiny, v: tiny, kPos: pos, kRows: rows, state }),
    ).toThrow(
      `attention fold kRows: [${rows}, H=2, D=16] f32 = ${rows * 128} bytes ` +
        `exceeds maxStorageBufferBindingSize ${limit}`,
    );
    tiny.destroy();
    pos.destroy();
    state.destroy();
  });

  it('rejects mismatched backward buffers (dk sized for another block)', () => {
    const g = gpu();
    const big = uploadF32(g, new Float32Array(8 * 2 * 16));
    const small = uploadF32(g, new Float32Array(4 * 2 * 16));
    const pos = uploadU32(g, new Uint32Array(8));
    const encoder = g.device.createCommandEncoder();
    expect(() =>
      attn.encodeBackwardBlock(encoder, {
        q: big,
        qPos: pos,
        qRows: 8,
        k: big,
        v: big,
        kPos: pos,
        kRows: 8,
        dO: big,
        lse: big,
        delta: big,
        dq: big,
        dk: small,
        dv: big,
      }),
    ).toThrow('attention backward block: dk has 512 bytes, needs [8, 2, 16] × 4 = 1024 bytes');
    for (const b of [big, small, pos]) b.destroy();
  });

  it('compiles every specialisation of the attention shaders without messages', async () => {
    for (const name of ['attention-forward', 'attention-backward']) {
      for (const consts of [
        { D4: 1, R: 1 },
        { D4: 8, R: 1 },
        { D4: 8, R: 4 },
        { D4: 8, R: 6 },
        { D4: 16, R: 2 },
        { D4: 16, R: 3 },
        { D4: 32, R: 1 },
      ]) {
        const module = gpu().device.createShaderModule({ code: specialiseSource(name, consts) });
        const info = await module.getCompilationInfo();
        expect(info.messages.map((m) => `${name} ${JSON.stringify(consts)} ${m.lineNum}: ${m.message}`)).toEqual([]);
      }
    }
  });
});
