// Tensor handles carry shape and dtype, round-trip values (f32 exactly, f16 to nearest), and
// refuse shapes that do not fit their data or the adapter.
import { describe, expect, it } from 'vitest';
import {
  f16Bits,
  f16Value,
  MissingFeatureError,
  readTensor,
  ShapeError,
  tensorFromArray,
  zerosTensor,
} from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

describe('f16 conversion', () => {
  it('rounds to nearest even and keeps specials', () => {
    expect(f16Bits(1)).toBe(0x3c00);
    expect(f16Bits(-2)).toBe(0xc000);
    expect(f16Bits(65504)).toBe(0x7bff);
    expect(f16Bits(65520)).toBe(0x7c00); // rounds up past the largest finite half: +Inf
    expect(f16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(f16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(f16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(Number.isNaN(f16Value(f16Bits(Number.NaN)))).toBe(true);
    for (let bits = 0; bits < 0x7c00; bits += 37) expect(f16Bits(f16Value(bits))).toBe(bits);
  });
});

describeGpu('tensor handle', (gpu) => {
  it('round-trips f32 values exactly with its shape', async () => {
    const data = Float32Array.from({ length: 3 * 5 * 7 }, (_, i) => Math.cos(i) * 1e4);
    const t = tensorFromArray(gpu(), data, [3, 5, 7]);
    expect(t.shape).toEqual([3, 5, 7]);
    expect(t.byteLength).toBe(data.byteLength);
    expect(Array.from(await readTensor(gpu(), t))).toEqual(Array.from(data));
    t.release();
  });

  it('round-trips f16 to the nearest half (or says the adapter lacks shader-f16)', async () => {
    const data = [0.1, -3.75, 1024.5, 7]; // odd byte count per element pair is padded internally
    if (!gpu().hasF16) {
      expect(() => tensorFromArray(gpu(), data, [4], 'f16')).toThrow(MissingFeatureError);
      return;
    }
    const t = tensorFromArray(gpu(), data.slice(0, 3), [3], 'f16');
    const back = await readTensor(gpu(), t);
    expect(Array.from(back)).toEqual(data.slice(0, 3).map((v) => f16Value(f16Bits(v))));
    t.release();
  });

  it('zero-fills a reused buffer', async () => {
    const dirty = tensorFromArray(gpu(), new Float32Array(64).fill(9), [64]);
    dirty.release();
    const z = zerosTensor(gpu(), [8, 8]);
    expect(z.buffer).toBe(dirty.buffer); // the pool handed the same buffer back
    expect(Array.from(await readTensor(gpu(), z))).toEqual(new Array(64).fill(0));
    z.release();
  });

  it('names the shape when data or limits do not fit', () => {
    expect(() => tensorFromArray(gpu(), [1, 2, 3], [2, 2])).toThrow(
      /3 values do not fill shape \[2, 2\] \(4 elements\)/,
    );
    expect(() => zerosTensor(gpu(), [2, -1])).toThrow(ShapeError);
    const limit = gpu().adapter.limits['maxStorageBufferBindingSize'] ?? 0;
    expect(() => zerosTensor(gpu(), [limit / 4 + 1])).toThrow(/over maxStorageBufferBindingSize/);
  });
});
