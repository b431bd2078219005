// The ring's device-side API: Q/K/V written on the GPU by a matmul (as a model's QKV projection
// writes them), attention through the ring at R = 4 on those buffers, outputs and gradients left
// in buffers the caller owns and read only at the end — equal to the host path and to dense f64
// attention. Whole passes are recorded into the caller's one encoder: one submit, no read-back.
import { expect, it } from 'vitest';
import { FP32_TOLERANCE as TOL, seededF32 as seeded } from '../../src/core/index.ts';
import { createMatmul, matmulRef, readF32, uploadF32, zerosF32, type Gpu } from '../../src/kernels/index.ts';
import {
  createRingAttention,
  createSharedTransport,
  gatherRows,
  shardRows,
  type RingAttention,
  type RingBackwardIO,
} from '../../src/ring/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { denseReference } from './support.ts';

// fp32 against an f64 reference: FP32_TOLERANCE (atol 1e-5 + rtol 1e-4·|ref|, project default);
// the GPU matmul's own f32 rounding (K = 12 terms of size ≤ 1) is ~1e-7, far inside it.
const [T, H, D, C, R] = [37, 2, 8, 12, 4]; // T = 37: zigzag at R = 4 pads 3 rows
const W = H * D;

/** Counts buffer read-backs (mapAsync) and queue submits on `gpu` while `body` runs. */
async function counting<T>(
  gpu: Gpu,
  probe: GPUBuffer,
  body: () => Promise<T>,
): Promise<{ result: T; readBacks: number; submits: number }> {
  const bufferProto: { mapAsync: GPUBuffer['mapAsync'] } = Object.getPrototypeOf(probe);
  const queue = gpu.device.queue;
  const queueProto: { submit: GPUQueue['submit'] } = Object.getPrototypeOf(queue);
  const [mapAsync, submit] = [bufferProto.mapAsync, queueProto.submit];
  let readBacks = 0;
  let submits = 0;
  bufferProto.mapAsync = function (this: GPUBuffer, ...args) {
    readBacks++;
    return mapAsync.apply(this, args);
  };
  queueProto.submit = function (this: GPUQueue, ...args) {
    submits++;
    return submit.apply(this, args);
  };
  try {
    return { result: await body(), readBacks, submits };
  } finally {
    bufferProto.mapAsync = mapAsync;
    queueProto.submit = submit;
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

async function gather(
  gpu: Gpu,
  ring: RingAttention,
  width: number,
  buffers: readonly GPUBuffer[],
): Promise<Float32Array> {
  const seg = ring.layout.segmentRows * width;
  const parts = await Promise.all(
    buffers.map(async (b) => {
      const data = await readF32(gpu, b, ring.rowsPerRank * width);
      return Array.from({ length: ring.layout.segmentsPerRank }, (_, s) => data.subarray(s * seg, (s + 1) * seg));
    }),
  );
  return gatherRows(ring.layout, parts, width);
}

describeGpu('ring device-side API', (gpu) => {
  // The first test pays the CPU driver's JIT compile of every attention and matmul pipeline.
  it('Q/K/V from a GPU matmul, R = 4 zigzag, one submit: equals the host path and dense attention', {
    timeout: 600_000,
  }, async () => {
    const g = gpu();
    const x = seeded(T * C, 71);
    const dO = seeded(T * W, 72);
    const weights = [seeded(C * W, 73), seeded(C * W, 74), seeded(C * W, 75)] as const;
    const ring = await createRingAttention(createSharedTransport(g, R), {
      seqLen: T,
      ranks: R,
      layout: 'zigzag',
      heads: H,
      headDim: D,
      causal: true,
    });
    const rows = ring.rowsPerRank;
    const mm = await createMatmul(g, { M: rows, N: W, K: C });
    const owned: GPUBuffer[] = [];
    const own = (b: GPUBuffer): GPUBuffer => {
      owned.push(b);
      return b;
    };
    try {
      const wBuf = weights.map((w, i) => own(uploadF32(g, w, `w${i}`)));
      const xShards = shardRows(ring.layout, x, C).map((segs, r) => own(uploadF32(g, concat(segs), `x rank ${r}`)));
      const dOShards = shardRows(ring.layout, dO, W).map((segs, r) => own(uploadF32(g, concat(segs), `dO rank ${r}`)));
      const io: RingBackwardIO[] = xShards.map((_, r) => ({
        q: own(zerosF32(g, rows * W)),
        k: own(zerosF32(g, rows * W)),
        v: own(zerosF32(g, rows * W)),
        o: own(zerosF32(g, rows * W)),
        lse: own(zerosF32(g, rows * H)),
        dO: dOShards[r] ?? own(zerosF32(g, 1)),
        dq: own(zerosF32(g, rows * W)),
        dk: own(zerosF32(g, rows * W)),
        dv: own(zerosF32(g, rows * W)),
      }));
      const { readBacks, submits } = await counting(g, xShards[0] ?? own(zerosF32(g, 1)), async () => {
        const encoder = g.device.createCommandEncoder({ label: 'qkv + ring fwd + bwd' });
        io.forEach((rank, r) => {
          const a = xShards[r] ?? own(zerosF32(g, 1));
          for (const [i, c] of [rank.q, rank.k, rank.v].entries()) mm.encode(encoder, { a, b: wBuf[i] ?? a, c });
        });
        const fwd = ring.encodeForward(encoder, io);
        const bwd = ring.encodeBackward(encoder, io);
        const startMs = performance.now();
        g.device.queue.submit([encoder.finish()]);
        await g.device.queue.onSubmittedWorkDone();
        const interval = { startMs, endMs: performance.now() };
        return [...fwd.log(interval), ...bwd.log(interval)];
      });
      // The passes themselves read nothing back and submit once (the caller's submit).
      expect(readBacks).toBe(0);
      expect(submits).toBe(1);

      const [q, k, v] = weights.map((w) => Float32Array.from(matmulRef(x, w, { M: T, N: W, K: C }).out));
      if (!q || !k || !v) throw new Error('missing projections');
      const got = {
        o: await gather(
          g,
          ring,
          W,
          io.map((r) => r.o),
        ),
        lse: await gather(
          g,
          ring,
          H,
          io.map((r) => r.lse),
        ),
        dq: await gather(
          g,
          ring,
          W,
          io.map((r) => r.dq),
        ),
        dk: await gather(
          g,
          ring,
          W,
          io.map((r) => r.dk),
        ),
        dv: await gather(
          g,
          ring,
          W,
          io.map((r) => r.dv),
        ),
      };
      const ref = denseReference({ T, H, D, causal: true }, { q, k, v, dO });
      const grads = ref;
      expectAllClose(got.o, ref.o, TOL, 'O');
      expectAllClose(got.lse, ref.lse, TOL, 'lse');
      expectAllClose(got.dq, grads.dq, TOL, 'dQ');
      expectAllClose(got.dk, grads.dk, TOL, 'dK');
      expectAllClose(got.dv, grads.dv, TOL, 'dV');

      // The host helpers on the same ring (same workspace) give the same results.
      ring.load({ q, k, v });
      await ring.forward();
      const hostOut = await ring.readOutput();
      ring.loadGrad(dO);
      await ring.backward();
      const hostGrads = await ring.readGrads();
      expectAllClose(got.o, hostOut.o, TOL, 'O vs host path');
      expectAllClose(got.dk, hostGrads.dk, TOL, 'dK vs host path');
      expectAllClose(got.dq, hostGrads.dq, TOL, 'dQ vs host path');
    } finally {
      mm.destroy();
      ring.destroy();
      for (const b of owned) b.destroy();
    }
  });

  it('forwardOn/backwardOn on a shared device: one submit per pass, no read-back', async () => {
    const g = gpu();
    const ring = await createRingAttention(createSharedTransport(g, R), {
      seqLen: T,
      ranks: R,
      layout: 'striped',
      heads: H,
      headDim: D,
      causal: true,
    });
    const rows = ring.rowsPerRank;
    const buffers: GPUBuffer[] = [];
    const z = (n: number): GPUBuffer => {
      const b = uploadF32(g, seeded(n, buffers.length + 1));
      buffers.push(b);
      return b;
    };
    try {
      const io: RingBackwardIO[] = Array.from({ length: R }, () => ({
        q: z(rows * W),
        k: z(rows * W),
        v: z(rows * W),
        o: z(rows * W),
        lse: z(rows * H),
        dO: z(rows * W),
        dq: z(rows * W),
        dk: z(rows * W),
        dv: z(rows * W),
      }));
      const fwd = await counting(g, io[0]?.q ?? z(1), () => ring.forwardOn(io));
      const bwd = await counting(g, io[0]?.q ?? z(1), () => ring.backwardOn(io));
      expect({ readBacks: fwd.readBacks, submits: fwd.submits }).toEqual({ readBacks: 0, submits: 1 });
      expect({ readBacks: bwd.readBacks, submits: bwd.submits }).toEqual({ readBacks: 0, submits: 1 });
      expect(fwd.result.every((s) => s.timing === 'pass')).toBe(true);
      expect(() => ring.encodeForward(g.device.createCommandEncoder(), io.slice(1))).toThrow(
        /got 3 rank IO records, expected one per rank \(4\)/,
      );
    } finally {
      ring.destroy();
      for (const b of buffers) b.destroy();
    }
  });
});
