// One GPUDevice per rank, transfers staged through host memory: the ring still equals dense
// attention, moves the bytes the schedule says, and a shaped link holds each transfer to at least
// latency + bytes / bandwidth.
import { expect, it } from 'vitest';
import { FP32_TOLERANCE } from '../../src/core/index.ts';
import { linkMinimumMs, openIsolatedTransport } from '../../src/ring/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { caseInputs, denseReference, runRing } from './support.ts';

// fp32 against an f64 reference: atol 1e-5 + rtol 1e-4·|ref| (project default).
const TOL = FP32_TOLERANCE; // atol 1e-5, rtol 1e-4
const H = 2;
const D = 16;

describeGpu('ring attention on isolated devices', (gpu) => {
  const cases = [
    { T: 45, R: 3, layout: 'zigzag', causal: true },
    // Causal only: every fresh device JIT-compiles its pipelines, and the non-causal backward
    // costs ~20 s of CPU per device on the CPU driver (non-causal is covered in shared mode).
    { T: 64, R: 4, layout: 'striped', causal: true },
    { T: 50, R: 4, layout: 'contiguous', causal: true },
  ] as const;
  it.each(cases)(
    '$layout R=$R T=$T causal=$causal equals dense (O, lse, dQ, dK, dV)',
    async ({ T, R, layout, causal }) => {
      const transport = await openIsolatedTransport(R, { adapter: { name: gpu().adapter.description } });
      try {
        const x = caseInputs({ T, H, D, seed: 11 });
        const got = await runRing(transport, { seqLen: T, ranks: R, layout, heads: H, headDim: D, causal }, x);
        const ref = denseReference({ T, H, D, causal }, x);
        const grads = ref;
        expectAllClose(got.o, ref.o, TOL, 'O');
        expectAllClose(got.lse, ref.lse, TOL, 'lse');
        expectAllClose(got.dq, grads.dq, TOL, 'dQ');
        expectAllClose(got.dk, grads.dk, TOL, 'dK');
        expectAllClose(got.dv, grads.dv, TOL, 'dV');
        // Every rank sent R−1 K/V blocks forward; backward R−1 K/V blocks and R dK/dV blocks.
        const rows = Math.ceil(T / (layout === 'zigzag' ? 2 * R : R)) * (layout === 'zigzag' ? 2 : 1);
        const kvBytes = rows * H * D * 4 * 2 + rows * 4;
        const sent = (pass: string) =>
          [...got.forwardLog, ...got.backwardLog].filter((s) => s.pass === pass).reduce((n, s) => n + s.bytesSent, 0);
        expect(sent('forward')).toBe(R * (R - 1) * kvBytes);
        expect(sent('backward')).toBe(R * (R - 1) * kvBytes + R * R * rows * H * D * 4 * 2);
        expect(transport.stagingBytes(0)).toBeGreaterThan(0);
      } finally {
        transport.destroy();
      }
    },
  );

  it('a shaped link makes every transfer last at least latency + bytes / bandwidth', async () => {
    const link = { bandwidthGBps: 0.05, latencyUs: 2000 };
    const transport = await openIsolatedTransport(2, { adapter: { name: gpu().adapter.description }, link });
    try {
      const T = 32;
      const x = caseInputs({ T, H, D, seed: 3 });
      const got = await runRing(
        transport,
        { seqLen: T, ranks: 2, layout: 'zigzag', heads: H, headDim: D, causal: true },
        x,
      );
      const withSends = [...got.forwardLog, ...got.backwardLog].filter((s) => s.bytesSent > 0);
      expect(withSends.length).toBeGreaterThan(0);
      for (const s of withSends) {
        expect(s.overlapFraction).toBeGreaterThanOrEqual(0);
        expect(s.overlapFraction).toBeLessThanOrEqual(1);
        // The backward step's two sends (K/V, dK/dV) each pay the latency.
        const sends = s.pass === 'backward' && s.step < 1 ? 2 : 1;
        expect(s.transferMs).toBeGreaterThanOrEqual(linkMinimumMs(link, s.bytesSent) + (sends - 1) * 2);
      }
    } finally {
      transport.destroy();
    }
  });
});
