// The block API the ring drives: Q and K/V split into blocks with zigzag positions (each block
// holds two non-adjacent chunks, as a ring rank does), K/V blocks folded in different orders, and
// backward blocks accumulated per pair, all equal dense attention; and the same with the blocks'
// segments declared (qSegmentRows / kSegmentRows = CHUNK rows, not a whole number of workgroups, so
// each segment's last workgroup is partial and the padded block has a third, 6-row segment).
// Tolerance fp32: atol 1e-5, rtol 1e-4.
import { beforeAll, it } from 'vitest';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import {
  createAttentionKernels,
  OUTPUT_USAGE,
  readF32,
  uploadF32,
  uploadU32,
  type AttentionKernels,
  type Gpu,
} from '../../src/kernels/index.ts';
import { attentionBackwardRef, attentionForwardRef } from '../../src/kernels/ops/attention.ref.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';

const TOL = FP32_TOLERANCE; // atol 1e-5, rtol 1e-4
const H = 2;
const D = 16;
const W = H * D;
// T = 4 ranks · 2 chunks · 101 rows, plus 6 padded rows in the last block. 101 rows is several
// workgroups of every pass with a partial last one (CPU tuning: 48 rows forward and dQ, 32 dK/dV;
// GPU: 32), so a segment's groups past its first are exercised too.
const CHUNK = 101;
const RANKS = 4;
const T = 2 * RANKS * CHUNK;

/** Zigzag block of rank r: chunks r and 2R-1-r, positions ascending within each chunk. */
function zigzagPositions(r: number, padRows: number): Uint32Array {
  const rows = [...range(r * CHUNK, CHUNK), ...range((2 * RANKS - 1 - r) * CHUNK, CHUNK)];
  return Uint32Array.from([...rows, ...Array<number>(padRows).fill(0xffffffff)]);
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

const q = seededF32(T * W, 31);
const k = seededF32(T * W, 32);
const v = seededF32(T * W, 33);
const dO = seededF32(T * W, 34);
const blocks = Array.from({ length: RANKS }, (_, r) => zigzagPositions(r, r === RANKS - 1 ? 6 : 0));

/** Gathers the rows of `src` [T, W] at `positions` (zeros for padded rows). */
function gather(src: Float32Array, positions: Uint32Array): Float32Array {
  const out = new Float32Array(positions.length * W);
  positions.forEach((p, i) => {
    if (p !== 0xffffffff) out.set(src.subarray(p * W, (p + 1) * W), i * W);
  });
  return out;
}

describeGpu('attention blocks fold in any order', (gpu) => {
  let attn: AttentionKernels;
  beforeAll(async () => {
    attn = await createAttentionKernels(gpu(), { heads: H, headDim: D, causal: true });
  });
  const allPos = Uint32Array.from(range(0, T));
  const cfg = { heads: H, headDim: D, causal: true };
  const dense = attentionForwardRef(cfg, { q, k, v, qPos: allPos, kPos: allPos });
  const denseGrads = attentionBackwardRef(cfg, { q, k, v, qPos: allPos, kPos: allPos }, dO);

  for (const [order, segmentRows] of [[[0, 1, 2, 3]], [[3, 1, 0, 2]], [[2, 3, 1, 0]], [[3, 1, 0, 2], CHUNK]] as const) {
    const segments = segmentRows ? ` in ${segmentRows}-row query segments` : '';
    it(`forward: K/V blocks in order ${order.join(',')}${segments} equal dense attention`, async () => {
      const out = await foldBlocks(gpu(), attn, order, segmentRows);
      blocks.forEach((pos, r) => {
        expectAllClose(out[r]!.o, gather(Float32Array.from(dense.o), pos), TOL, `o of block ${r}`);
        expectAllClose(out[r]!.lse, gather1(Float32Array.from(dense.lse), pos), TOL, `lse of block ${r}`);
      });
    });
  }

  for (const segmentRows of [undefined, CHUNK]) {
    const segments = segmentRows ? ` in ${segmentRows}-row segments` : '';
    it(`backward: per-pair blocks${segments} accumulate to the dense dQ, dK, dV`, async () => {
      const g = gpu();
      const fwd = await foldBlocks(g, attn, [0, 1, 2, 3], segmentRows);
      const up = blocks.map((pos, r) =>
        upload(g, {
          q: gather(q, pos),
          k: gather(k, pos),
          v: gather(v, pos),
          dO: gather(dO, pos),
          pos,
          o: fwd[r]!.o,
          lse: fwd[r]!.lse,
          dq: new Float32Array(pos.length * W),
          dk: new Float32Array(pos.length * W),
          dv: new Float32Array(pos.length * W),
          delta: new Float32Array(pos.length * H),
        }),
      );
      const encoder = g.device.createCommandEncoder();
      blocks.forEach((pos, r) => {
        const b = up[r]!.b;
        attn.encodeBackwardPrep(encoder, { o: b['o']!, dO: b['dO']!, rows: pos.length, delta: b['delta']! });
      });
      // Every (Q block, K/V block) pair, in a rotated order per Q block, as a ring would visit them.
      blocks.forEach((qp, qi) => {
        for (let step = 0; step < RANKS; step++) {
          const ki = (qi + step) % RANKS;
          const bq = up[qi]!.b;
          const bk = up[ki]!.b;
          attn.encodeBackwardBlock(encoder, {
            q: bq['q']!,
            qPos: bq['pos']!,
            qRows: qp.length,
            dO: bq['dO']!,
            lse: bq['lse']!,
            delta: bq['delta']!,
            dq: bq['dq']!,
            k: bk['k']!,
            v: bk['v']!,
            kPos: bk['pos']!,
            kRows: blocks[ki]!.length,
            dk: bk['dk']!,
            dv: bk['dv']!,
            ...(segmentRows ? { qSegmentRows: segmentRows, kSegmentRows: segmentRows } : {}),
          });
        }
      });
      g.device.queue.submit([encoder.finish()]);
      for (const [r, pos] of blocks.entries()) {
        const b = up[r]!.b;
        for (const name of ['dq', 'dk', 'dv'] as const) {
          const want = gather(Float32Array.from(denseGrads[name]), pos);
          expectAllClose(await readF32(g, b[name]!, pos.length * W), want, TOL, `${name} of block ${r}`);
        }
      }
      for (const u of up) u.destroy();
    });
  }

  it('sub-blocks addressed by row offsets equal whole blocks', async () => {
    const g = gpu();
    // Fold block 1's K/V as two halves of one buffer via kOffset, into a state for block 2's Q.
    const qPos = blocks[2]!;
    const kPos = blocks[1]!;
    const { b, destroy } = upload(g, { q: gather(q, qPos), qPos, k: gather(k, kPos), v: gather(v, kPos), kPos });
    const state = attn.createState(qPos.length);
    const o = g.device.createBuffer({ size: qPos.length * W * 4, usage: OUTPUT_USAGE });
    const lse = g.device.createBuffer({ size: qPos.length * H * 4, usage: OUTPUT_USAGE });
    const encoder = g.device.createCommandEncoder();
    const half = CHUNK;
    for (const [kOffset, kRows] of [
      [half, kPos.length - half],
      [0, half],
    ] as const) {
      attn.encodeFold(encoder, {
        q: b['q']!,
        qPos: b['qPos']!,
        qRows: qPos.length,
        k: b['k']!,
        v: b['v']!,
        kPos: b['kPos']!,
        kRows,
        kOffset,
        state,
      });
    }
    attn.encodeFinalize(encoder, { state, o, lse });
    g.device.queue.submit([encoder.finish()]);
    const partial = attentionForwardRef(cfg, {
      q: gather(q, qPos),
      k: gather(k, kPos),
      v: gather(v, kPos),
      qPos,
      kPos,
    });
    expectAllClose(await readF32(g, o, qPos.length * W), partial.o, TOL, 'o from offset halves');
    state.destroy();
    destroy();
  });
});

/** Uploads tensors (u32 arrays as positions); returns the buffers and a disposer. */
function upload(
  gpu: Gpu,
  data: Readonly<Record<string, Float32Array | Uint32Array>>,
): { b: Record<string, GPUBuffer>; destroy(): void } {
  const b: Record<string, GPUBuffer> = {};
  for (const [name, arr] of Object.entries(data))
    b[name] = arr instanceof Uint32Array ? uploadU32(gpu, arr, name) : uploadF32(gpu, arr, name);
  return {
    b,
    destroy: () => {
      for (const x of Object.values(b)) x.destroy();
    },
  };
}

/** Gathers the entries of `src` [T, H] at `positions` (−1e30, the kernels' −∞, for padded rows). */
function gather1(src: Float32Array, positions: Uint32Array): Float32Array {
  const out = new Float32Array(positions.length * H).fill(-1e30);
  positions.forEach((p, i) => {
    if (p !== 0xffffffff) out.set(src.subarray(p * H, (p + 1) * H), i * H);
  });
  return out;
}

/** Folds every K/V block (in `order`) into every Q block's state in one submit; returns O, lse per block. */
async function foldBlocks(
  g: Gpu,
  attn: AttentionKernels,
  order: readonly number[],
  qSegmentRows?: number,
): Promise<{ o: Float32Array; lse: Float32Array }[]> {
  const up = blocks.map((pos) => upload(g, { q: gather(q, pos), k: gather(k, pos), v: gather(v, pos), pos }));
  const states = blocks.map((pos) => attn.createState(pos.length));
  const outs = blocks.map((pos) => ({
    o: g.device.createBuffer({ size: pos.length * W * 4, usage: OUTPUT_USAGE }),
    lse: g.device.createBuffer({ size: pos.length * H * 4, usage: OUTPUT_USAGE }),
  }));
  const encoder = g.device.createCommandEncoder();
  blocks.forEach((qp, qi) => {
    for (const ki of order) {
      const bq = up[qi]!.b;
      const bk = up[ki]!.b;
      attn.encodeFold(encoder, {
        q: bq['q']!,
        qPos: bq['pos']!,
        qRows: qp.length,
        k: bk['k']!,
        v: bk['v']!,
        kPos: bk['pos']!,
        kRows: blocks[ki]!.length,
        state: states[qi]!,
        ...(qSegmentRows ? { qSegmentRows } : {}),
      });
    }
    attn.encodeFinalize(encoder, { state: states[qi]!, o: outs[qi]!.o, lse: outs[qi]!.lse });
  });
  g.device.queue.submit([encoder.finish()]);
  const result = [];
  for (const [r, pos] of blocks.entries()) {
    result.push({
      o: await readF32(g, outs[r]!.o, pos.length * W),
      lse: await readF32(g, outs[r]!.lse, pos.length * H),
    });
    outs[r]!.o.destroy();
    outs[r]!.lse.destroy();
    states[r]!.destroy();
    up[r]!.destroy();
  }
  return result;
}
