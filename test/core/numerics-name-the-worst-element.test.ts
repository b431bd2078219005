// The shared numerics (src/core/numerics.ts): all-close names the worst element and its tolerance
// ratio, counts NaN and missing elements as failures, honours a per-element scale; the seeded
// generator is deterministic, in range, and distinct per seed.
import { describe, expect, it } from 'vitest';
import { allClose, CloseAccumulator, describeWorst, FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';

describe('allClose', () => {
  it('passes within atol + rtol·|ref| and reports the largest ratio', () => {
    // bounds: 1e-5 + 1e-4·1 = 1.1e-4 and 1e-5 + 1e-4·100 = 1.001e-2
    const r = allClose([1 + 5.5e-5, 100 - 5e-3], [1, 100], FP32_TOLERANCE);
    expect(r.withinTolerance).toBe(true);
    expect(r.worst?.index).toBe(0);
    expect(r.worstToleranceRatio).toBeCloseTo(0.5, 6); // 5.5e-5 / 1.1e-4, to 1e-6
    expect(r.maxAbsError).toBeCloseTo(5e-3, 12); // to 1e-12
  });

  it('fails outside the bound and names the worst element in the message', () => {
    const r = allClose([0, 2e-5, 0.5], [0, 0, 0.5], FP32_TOLERANCE);
    expect(r.withinTolerance).toBe(false);
    expect(r.worst).toMatchObject({ index: 1, actual: 2e-5, expected: 0 });
    expect(r.worstToleranceRatio).toBeCloseTo(2, 9); // 2e-5 / 1e-5, to 1e-9
    expect(describeWorst(r, 'o')).toMatch(
      /^o\[1\] = 0\.00002, expected 0: \|error\| is 2\.00× its bound 0\.0000100 \(atol 0\.00001, rtol 0\.0001;/,
    );
  });

  it('counts NaN and a missing element as outside every tolerance', () => {
    expect(allClose([Number.NaN], [1]).worstToleranceRatio).toBe(Number.POSITIVE_INFINITY);
    const short = allClose([1], [1, 2]);
    expect(short.withinTolerance).toBe(false);
    expect(short.count).toBe(2);
    expect(short.worst?.index).toBe(1);
  });

  it('uses a larger per-element scale in the rtol term (sums, dot products)', () => {
    // |ref| = 0 after cancellation, Σ|terms| = 10: bound 1e-5 + 1e-4·10 = 1.001e-3
    expect(allClose([5e-4], [0], FP32_TOLERANCE).withinTolerance).toBe(false);
    expect(allClose([5e-4], [0], FP32_TOLERANCE, [10]).withinTolerance).toBe(true);
  });

  it('compares exactly with a zero tolerance', () => {
    expect(allClose([1, 2], [1, 2], { atol: 0, rtol: 0 }).withinTolerance).toBe(true);
    expect(allClose([1, 2 + 2 ** -51], [1, 2], { atol: 0, rtol: 0 }).worstToleranceRatio).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('accumulates row by row to the same report', () => {
    const acc = new CloseAccumulator(FP32_TOLERANCE);
    acc.add(1, 1);
    acc.add(3e-5, 0);
    expect(acc.report()).toEqual(allClose([1, 3e-5], [1, 0], FP32_TOLERANCE));
  });
});

describe('seededF32', () => {
  it('is deterministic, in [lo, hi), distinct per seed (0 and 1 included)', () => {
    expect(seededF32(1000, 7)).toEqual(seededF32(1000, 7));
    expect(seededF32(8, 0)).not.toEqual(seededF32(8, 1));
    const x = seededF32(10_000, 3, -2, 3);
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...x)).toBeLessThan(3);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05); // uniform: mean 0.5, sd of the mean ≈ 0.014
  });
});
