// The matmul kernel matches the f64 reference on every checked case of
// src/bench/kernels/matmul.case.ts (A·B, Aᵀ·B, A·Bᵀ, Aᵀ·Bᵀ, batched and broadcast products, sizes
// that are and are not multiples of its 8×8 block, each variant; the quick cases the gate times),
// broadcasts on tensors, and refuses shapes it cannot run.
import { describe, expect, it } from 'vitest';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import {
  createMatmul,
  matmul,
  matmulVariants,
  readTensor,
  ShapeError,
  tensorFromArray,
  zerosF32,
} from '../../src/kernels/index.ts';
import { matmulMismatch, matmulRef } from '../../src/kernels/ops/matmul.ref.ts';
import cases from '../../src/bench/kernels/matmul.case.ts';
import { describeGpu } from '../support/gpu.ts';
import { checkCases } from './kernel-cases.ts';

// fp32 tolerance from the project standard, scaled by Σ|a·b| instead of |ref| (see matmulMismatch:
// f32 dot-product error grows with Σ|a·b|, and cancellation can make |ref| arbitrarily small).
const TOL = FP32_TOLERANCE; // atol 1e-5, rtol 1e-4

describeGpu('matmul matches the reference', (gpu) => {
  // The cases of src/bench/kernels/matmul.case.ts; a variant the adapter lacks must be refused by name.
  checkCases(gpu, cases, {
    unavailable: (c, g) => c.shape.endsWith(' subgroup') && !matmulVariants(g).includes('subgroup'),
  });

  it('matmul() on tensors broadcasts a single B over a batch of A', async () => {
    const g = gpu();
    const a = seededF32(2 * 9 * 10, 3);
    const b = seededF32(10 * 6, 4);
    const ta = tensorFromArray(g, a, [2, 9, 10]);
    const tb = tensorFromArray(g, b, [6, 10]);
    const c = await matmul(g, ta, tb, { transB: true });
    expect(c.shape).toEqual([2, 9, 6]);
    const ref = matmulRef(a, b, { M: 9, N: 6, K: 10, batch: 2, transB: true, batchStrideB: 0 });
    expect(matmulMismatch(await readTensor(g, c), ref, TOL)).toBeUndefined();
    for (const t of [ta, tb, c]) t.release();
  });
});

describeGpu('matmul refuses shapes it cannot run', (gpu) => {
  it('names the field of a bad dimension', async () => {
    await expect(createMatmul(gpu(), { M: 0, N: 4, K: 4 })).rejects.toThrow(/matmul M = 0 must be a positive integer/);
    await expect(createMatmul(gpu(), { M: 4, N: 4.5, K: 4 })).rejects.toThrow(ShapeError);
  });

  it('names the shapes when inner dimensions differ', async () => {
    const g = gpu();
    const ta = tensorFromArray(g, new Float32Array(12), [3, 4]);
    const tb = tensorFromArray(g, new Float32Array(15), [5, 3]);
    await expect(matmul(g, ta, tb)).rejects.toThrow(/A \[3, 4\] · B \[5, 3\] \(inner 4 vs 5/);
    ta.release();
    tb.release();
  });

  it('names the limit when a grid or buffer is too large', async () => {
    const g = gpu();
    const maxGroups = g.adapter.limits['maxComputeWorkgroupsPerDimension'] ?? 65535;
    await expect(createMatmul(g, { M: 1, N: 1, K: 1, batch: maxGroups + 1 })).rejects.toThrow(
      new RegExp(`${maxGroups + 1} workgroups along z \\(batch\\), over maxComputeWorkgroupsPerDimension ${maxGroups}`),
    );
    const maxBinding = g.adapter.limits['maxStorageBufferBindingSize'] ?? 0;
    const M = Math.ceil(maxBinding / 4 / 4096) + 1; // A = M×4096 f32, just over the binding limit
    await expect(createMatmul(g, { M, N: 4, K: 4096 })).rejects.toThrow(
      /A needs \d+ bytes, over maxStorageBufferBindingSize/,
    );
  });

  it('names the buffer that is too small for the shape', async () => {
    const g = gpu();
    const kernel = await createMatmul(g, { M: 4, N: 4, K: 4 });
    const small = zerosF32(g, 8);
    const ok = zerosF32(g, 16);
    expect(() => kernel.encode(g.device.createCommandEncoder(), { a: small, b: ok, c: ok })).toThrow(
      /buffer a holds 32 bytes, needs 64 \(16 f32\)/,
    );
    kernel.destroy();
    small.destroy();
    ok.destroy();
  });
});

describe('matmul reference', () => {
  it('multiplies a known 2×3 by 3×2, and its transposed forms agree', () => {
    const a = [1, 2, 3, 4, 5, 6]; // [[1,2,3],[4,5,6]]
    const b = [7, 8, 9, 10, 11, 12]; // [[7,8],[9,10],[11,12]]
    expect(Array.from(matmulRef(a, b, { M: 2, N: 2, K: 3 }).out)).toEqual([58, 64, 139, 154]);
    const aT = [1, 4, 2, 5, 3, 6];
    const bT = [7, 9, 11, 8, 10, 12];
    expect(Array.from(matmulRef(aT, bT, { M: 2, N: 2, K: 3, transA: true, transB: true }).out)).toEqual([
      58, 64, 139, 154,
    ]);
  });
});
