// The gradient collective sums same-shaped buffers over the ranks: on a shared device recorded
// into one encoder, on isolated devices staged through host memory; every rank ends with the
// host sum, and the log counts (R − 1)·N values in and (R − 1)·N out.
import { expect, it } from 'vitest';
import { FP32_TOLERANCE as TOL, seededF32 as seeded } from '../../src/core/index.ts';
import { readF32, uploadF32 } from '../../src/kernels/index.ts';
import {
  createGradientCollective,
  createSharedTransport,
  openIsolatedTransport,
  type RingTransport,
} from '../../src/ring/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';

// A sum of ≤ 4 values in [-1, 1) in f32: the error is a few ulps of the result; the project's
// fp32 tolerance FP32_TOLERANCE (atol 1e-5, rtol 1e-4) holds with margin.
const COUNT = 1037; // not a multiple of 4: the kernels' scalar tail runs too

async function checkAllReduce(transport: RingTransport): Promise<void> {
  const R = transport.ranks;
  const host = Array.from({ length: R }, (_, r) => seeded(COUNT, 100 + r));
  const buffers = host.map((h, r) => uploadF32(transport.gpu(r), h, `grad rank ${r}`));
  const collective = await createGradientCollective(transport);
  try {
    const record = await collective.allReduce(buffers, COUNT);
    const sum = Float64Array.from({ length: COUNT }, (_, i) => host.reduce((s, h) => s + (h[i] ?? 0), 0));
    for (const [r, buffer] of buffers.entries())
      expectAllClose(await readF32(transport.gpu(r), buffer, COUNT), sum, TOL, `rank ${r}`);
    expect(record.bytesMoved).toBe(2 * (R - 1) * COUNT * 4);
    expect(record.transfers.length).toBe(2 * (R - 1));
    expect(collective.log).toHaveLength(1);
  } finally {
    collective.destroy();
    for (const b of buffers) b.destroy();
  }
}

describeGpu('gradient all-reduce', (gpu) => {
  it.each([1, 2, 4])('shared device, R=%i: every rank holds the host sum', async (R) => {
    await checkAllReduce(createSharedTransport(gpu(), R));
  });

  it.each([2, 3])('isolated devices, R=%i: every rank holds the host sum, every hop logged', async (R) => {
    const transport = await openIsolatedTransport(R, { adapter: { name: gpu().adapter.description } });
    try {
      await checkAllReduce(transport);
    } finally {
      transport.destroy();
    }
  });

  it('records into a caller encoder on a shared device and refuses a short buffer', async () => {
    const transport = createSharedTransport(gpu(), 2);
    const collective = await createGradientCollective(transport);
    const a = uploadF32(gpu(), seeded(8, 1));
    const short = uploadF32(gpu(), seeded(4, 2));
    try {
      expect(collective.recordable).toBe(true);
      const encoder = gpu().device.createCommandEncoder();
      expect(() => collective.encodeAllReduce(encoder, [a, short], 8)).toThrow(
        /buffers\[1\] .* has 16 bytes, needs 8 f32 = 32/,
      );
      encoder.finish();
    } finally {
      collective.destroy();
      a.destroy();
      short.destroy();
    }
  });
});
