// Each rank's buffers grow with T/R, never with T²: doubling R at fixed T cuts the per-rank peak
// by at least 40 %, and doubling T at fixed R at most doubles it.
import { expect, it } from 'vitest';
import { seededF32 } from '../../src/core/index.ts';
import { createRingAttention, createSharedTransport } from '../../src/ring/index.ts';
import { describeGpu } from '../support/gpu.ts';

const H = 4;
const D = 32;

describeGpu('ring memory per rank', (gpu) => {
  async function peakPerRank(T: number, R: number): Promise<number> {
    const ring = await createRingAttention(createSharedTransport(gpu(), R), {
      seqLen: T,
      ranks: R,
      layout: 'zigzag',
      heads: H,
      headDim: D,
      causal: true,
    });
    try {
      ring.loadGrad(seededF32(T * H * D, 1)); // allocates the backward buffers too
      const peaks = ring.memory().map((m) => m.peakBytes);
      expect(new Set(peaks).size, 'every rank holds the same buffers').toBe(1);
      return peaks[0] ?? 0;
    } finally {
      ring.destroy();
    }
  }

  it('doubling R at T=8760 cuts the peak by >= 40 % (R = 2, 4, 8)', async () => {
    const p2 = await peakPerRank(8760, 2);
    const p4 = await peakPerRank(8760, 4);
    const p8 = await peakPerRank(8760, 8);
    expect(p4 / p2).toBeLessThanOrEqual(0.6);
    expect(p8 / p4).toBeLessThanOrEqual(0.6);
  });

  it('doubling T at fixed R at most doubles the peak (linear, not quadratic)', async () => {
    const small = await peakPerRank(2048, 4);
    const large = await peakPerRank(4096, 4);
    expect(large / small).toBeLessThanOrEqual(2.01);
  });
});
