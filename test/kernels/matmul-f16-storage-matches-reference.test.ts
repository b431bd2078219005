// The matmul with f16 storage (shaders/matmul-f16.wgsl: A and B in f16, f32 accumulation, f32 C)
// matches the f64 reference two ways: against the f16-rounded inputs it is as exact as the f32
// kernel (only f32 rounding is added), and against the unrounded inputs it stays inside the bound
// that one f16 rounding per input gives (F16_STORAGE_TOLERANCE).
import { expect, it } from 'vitest';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import {
  createMatmul,
  F16_STORAGE_TOLERANCE,
  fromF16Array,
  matmul,
  readF32,
  readTensor,
  ShapeError,
  tensorFromArray,
  toF16Array,
  zerosF32,
  type MatmulShape,
} from '../../src/kernels/index.ts';
import { matmulMismatch, matmulRef } from '../../src/kernels/ops/matmul.ref.ts';
import { describeGpu } from '../support/gpu.ts';

const cases: readonly MatmulShape[] = [
  { M: 127, N: 129, K: 31 }, // edge tiles; N % 4 ≠ 0, so B goes through the f16 pack_b
  { M: 64, N: 96, K: 300 }, // B read in place (N % 4 = 0)
  { M: 33, N: 17, K: 65, transA: true, transB: true },
  { M: 19, N: 13, K: 23, batch: 3, transB: true },
  { M: 17, N: 12, K: 5, batch: 4, batchStrideB: 0 },
];

function name(s: MatmulShape): string {
  return `${s.transA ? 'Aᵀ' : 'A'}·${s.transB ? 'Bᵀ' : 'B'} ${s.batch ?? 1}×${s.M}×${s.N}×${s.K}`;
}

function count(s: MatmulShape, side: 'a' | 'b'): number {
  const batch = s.batch ?? 1;
  const one = side === 'a' ? s.M * s.K : s.K * s.N;
  const stride = side === 'a' ? (s.batchStrideA ?? one) : (s.batchStrideB ?? one);
  return stride * (batch - 1) + one;
}

/** The values f16 storage holds for `x` (each rounded to the nearest f16). */
function roundedToF16(x: Float32Array): Float32Array {
  return fromF16Array(toF16Array(x));
}

describeGpu('matmul with f16 storage', (gpu) => {
  it.each(cases.map((c) => [name(c), c] as const))('%s', async (_, shape) => {
    const g = gpu();
    if (!g.hasF16) {
      await expect(createMatmul(g, shape, { storage: 'f16' })).rejects.toThrow(/shader-f16/);
      return;
    }
    const a = seededF32(count(shape, 'a'), 3 + shape.M);
    const b = seededF32(count(shape, 'b'), 5 + shape.N);
    const kernel = await createMatmul(g, shape, { storage: 'f16' });
    expect(kernel.storage).toBe('f16');
    const ta = tensorFromArray(g, a, [a.length], 'f16');
    const tb = tensorFromArray(g, b, [b.length], 'f16');
    const cCount = (shape.batch ?? 1) * shape.M * shape.N;
    const gc = zerosF32(g, cCount);
    const encoder = g.device.createCommandEncoder();
    kernel.encode(encoder, { a: ta.buffer, b: tb.buffer, c: gc });
    g.device.queue.submit([encoder.finish()]);
    const got = await readF32(g, gc, cCount);
    // The inputs as stored: only f32 rounding remains, so the f32 kernel's tolerance holds.
    const exact = matmulMismatch(got, matmulRef(roundedToF16(a), roundedToF16(b), shape), FP32_TOLERANCE);
    expect(
      exact,
      exact && `vs f16-rounded inputs: C[${exact.index}] = ${exact.got}, expected ${exact.expected}`,
    ).toBeUndefined();
    // The inputs as given: one f16 rounding each, bounded by F16_STORAGE_TOLERANCE (rtol ≈ 1.08e-3).
    const stored = matmulMismatch(got, matmulRef(a, b, shape), F16_STORAGE_TOLERANCE);
    expect(
      stored,
      stored && `vs f32 inputs: C[${stored.index}] = ${stored.got}, expected ${stored.expected}`,
    ).toBeUndefined();
    kernel.destroy();
    ta.release();
    tb.release();
    gc.destroy();
  });

  it('matmul() on f16 tensors gives an f32 result; mixed dtypes are refused', async () => {
    const g = gpu();
    if (!g.hasF16) return; // the case above asserted the refusal
    const a = seededF32(2 * 9 * 10, 3);
    const b = seededF32(10 * 6, 4);
    const ta = tensorFromArray(g, a, [2, 9, 10], 'f16');
    const tb = tensorFromArray(g, b, [6, 10], 'f16');
    const c = await matmul(g, ta, tb, { transB: true });
    expect(c.dtype).toBe('f32');
    const ref = matmulRef(a, b, { M: 9, N: 6, K: 10, batch: 2, transB: true, batchStrideB: 0 });
    expect(matmulMismatch(await readTensor(g, c), ref, F16_STORAGE_TOLERANCE)).toBeUndefined();
    const t32 = tensorFromArray(g, b, [6, 10]);
    await expect(matmul(g, ta, t32, { transB: true })).rejects.toThrow(/A is f16 and B is f32/);
    await expect(createMatmul(g, { M: 4, N: 4, K: 4 }, { storage: 'f16', variant: 'subgroup' })).rejects.toThrow(
      ShapeError,
    );
    for (const t of [ta, tb, c, t32]) t.release();
  });

  it('names f16 in the size check of a too-small buffer', async () => {
    const g = gpu();
    if (!g.hasF16) return;
    const kernel = await createMatmul(g, { M: 4, N: 4, K: 4 }, { storage: 'f16' });
    const small = zerosF32(g, 4); // 16 bytes: 8 f16, A needs 16
    const ok = zerosF32(g, 16);
    expect(() => kernel.encode(g.device.createCommandEncoder(), { a: small, b: ok, c: ok })).toThrow(
      /buffer a holds 16 bytes, needs 32 \(16 f16\)/,
    );
    kernel.destroy();
    small.destroy();
    ok.destroy();
  });
});
