// The Diebold–Mariano test of model vs DF: the statistic equals a direct computation of the HAC
// variance and the Harvey–Leybourne–Newbold correction on a small series; pairs across a missing
// forecast are left out, not shifted; the Student-t tail matches closed forms and table values.
import { describe, expect, it } from 'vitest';
import { dieboldMariano, logGamma, regularizedBeta, studentTTwoSided } from '../../src/train/evaluate/index.ts';

const D = [1.5, -0.5, 2, 0.25, 1, 3, -1, 0.5, 2.5, 1.25, 0, 1.75];
/** Positively autocorrelated at lags 1 and 2 (as overlapping forecasts are): the rectangular sum is positive. */
const E = [1.5, 2, 2.5, 0.25, 0, 0.5, -1, 0.5, 1, 2.25, 3, 1.75];

/** DM* by the textbook formulas on a gap-free series: every sum written out; weights 1 (rectangular) or Bartlett. */
function textbook(d: readonly number[], lag: number, h: number, bartlett = false): number {
  const n = d.length;
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const gamma = (k: number): number => {
    let s = 0;
    for (let t = k; t < n; t++) s += ((d[t] ?? 0) - mean) * ((d[t - k] ?? 0) - mean);
    return s / n;
  };
  let v = gamma(0);
  for (let k = 1; k <= lag; k++) v += 2 * (bartlett ? 1 - k / (lag + 1) : 1) * gamma(k);
  const dm = mean / Math.sqrt(v / n);
  return dm * Math.sqrt((n + 1 - 2 * h + (h * (h - 1)) / n) / n);
}

describe('Diebold–Mariano test', () => {
  it('equals the textbook computation on a small series (lag 0, and lag h − 1 = 2)', () => {
    const index = D.map((_, t) => t);
    for (const [d, lag, h] of [
      [D, 0, 1],
      [E, 2, 3],
    ] as const) {
      const r = dieboldMariano(index, d, lag, h);
      const expected = textbook(d, lag, h);
      expect(r?.kernel).toBe('rectangular');
      // f64 sums of 12 terms in two orders: relative 1e-12
      expect(Math.abs((r?.statistic ?? 0) - expected)).toBeLessThan(1e-12 * Math.abs(expected));
      expect(r?.n).toBe(12);
      expect(r?.better).toBe('dayAhead'); // positive mean differential: the model's errors are larger
      expect(Math.abs((r?.pValue ?? 0) - studentTTwoSided(expected, 11))).toBeLessThan(1e-15);
    }
    // Worked by hand for D, lag 0, h = 1: mean 49/48, Σd² = 28.6875, Σ(d − mean)² = 16.1823, γ₀ = 1.34852,
    // DM = mean / √(γ₀/12) = 3.0452, DM* = DM·√(11/12) = 2.9156; t₁₁ two-sided p ≈ 0.014.
    const r = dieboldMariano(index, D, 0, 1);
    expect(r?.meanDifferential).toBeCloseTo(49 / 48, 14);
    expect(r?.statistic).toBeCloseTo(2.9156, 4);
    expect(r?.pValue).toBeGreaterThan(0.01);
    expect(r?.pValue).toBeLessThan(0.02);
  });

  it('falls back to Bartlett weights when the rectangular variance is not positive', () => {
    // D is anti-correlated: γ₀ + 2γ₁ + 2γ₂ = −0.768 < 0 at lag 2.
    const r = dieboldMariano(
      D.map((_, t) => t),
      D,
      2,
      3,
    );
    const expected = textbook(D, 2, 3, true);
    expect(r?.kernel).toBe('bartlett');
    expect(Math.abs((r?.statistic ?? 0) - expected)).toBeLessThan(1e-12 * Math.abs(expected));
  });

  it('leaves out the pairs across a missing forecast instead of shifting the series', () => {
    // Remove t = 5: the pair (4, 6) is 2 steps apart, not 1.
    const index = D.map((_, t) => t).filter((t) => t !== 5);
    const d = D.filter((_, t) => t !== 5);
    const n = d.length;
    const mean = d.reduce((a, b) => a + b, 0) / n;
    let g0 = 0;
    let g1 = 0;
    for (let a = 0; a < n; a++) {
      g0 += ((d[a] ?? 0) - mean) ** 2 / n;
      for (let b = 0; b < n; b++)
        if ((index[b] ?? 0) - (index[a] ?? 0) === 1) g1 += (((d[a] ?? 0) - mean) * ((d[b] ?? 0) - mean)) / n;
    }
    const dm = (mean / Math.sqrt((g0 + 2 * g1) / n)) * Math.sqrt((n + 1 - 4 + 2 / n) / n);
    const r = dieboldMariano(index, d, 1, 2);
    expect(Math.abs((r?.statistic ?? 0) - dm)).toBeLessThan(1e-12 * Math.abs(dm));
    expect(Math.abs((r?.statistic ?? 0) - textbook(d, 1, 2))).toBeGreaterThan(1e-3); // shifting would differ
  });

  it('names the model better when its errors are smaller; no test without variance or with < 3 forecasts', () => {
    const r = dieboldMariano(
      D.map((_, t) => t),
      D.map((x) => -x),
      0,
      1,
    );
    expect(r?.better).toBe('model');
    expect(r?.statistic ?? 0).toBeLessThan(0);
    expect(dieboldMariano([0, 1], [1, 2], 0, 1)).toBeNull();
    expect(dieboldMariano([0, 1, 2, 3], [1, 1, 1, 1], 0, 1)).toBeNull();
  });

  it('takes Student-t tails that match closed forms (ν = 1, 2) and table values', () => {
    for (const t of [0.1, 0.7, 1.5, 4, 30]) {
      // ν = 1 (Cauchy): P(|T| > t) = 1 − 2·atan(t)/π; ν = 2: 1 − t/√(2 + t²). Series error 1e-12.
      expect(Math.abs(studentTTwoSided(t, 1) - (1 - (2 * Math.atan(t)) / Math.PI))).toBeLessThan(1e-12);
      expect(Math.abs(studentTTwoSided(t, 2) - (1 - t / Math.sqrt(2 + t * t)))).toBeLessThan(1e-12);
    }
    // t tables: the two-sided 5 % point is 2.228 at ν = 10 and 1.960 at ν = ∞ (≈ 1e6); table rounding 1e-4.
    expect(Math.abs(studentTTwoSided(2.228139, 10) - 0.05)).toBeLessThan(1e-5);
    expect(Math.abs(studentTTwoSided(1.959964, 1e6) - 0.05)).toBeLessThan(1e-5);
    expect(studentTTwoSided(0, 5)).toBe(1);
    expect(Math.abs(regularizedBeta(0.3, 2, 3) - 0.3483)).toBeLessThan(1e-12); // I_0.3(2,3) = 0.3483 exactly
    expect(Math.abs(logGamma(5) - Math.log(24))).toBeLessThan(1e-13);
    expect(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-13);
  });
});
