// The linear baseline's fit: Huber IRLS recovers known coefficients from data with 5 % gross
// outliers, where least squares is pulled far off; on clean data both agree.
import { describe, expect, it } from 'vitest';
import { huberFit, leastSquares, type Design } from '../../src/train/evaluate/index.ts';
import { noise } from '../features/support/synthetic.ts';

const TRUE = [2, -1.5, 0.7, 3] as const; // intercept and three slopes
const ROWS = 2_000;

/** Standard normal from two seeded uniforms (Box–Muller). */
function gauss(seed: number, k: number, c: number): number {
  const u = Math.max(noise(seed, k, c, 1), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * noise(seed, k, c, 2));
}

/**
 * y = Xβ + N(0, 0.1²); with `outliers`, every 20th row (5 %) gets +40 to +60 added to y; with
 * `corruptInputs`, every 100th row (1 %) has its first slope input multiplied by 1,000 after y was
 * drawn (a demand spike entering as an input: a gross leverage point).
 */
function design(outliers: boolean, corruptInputs = false): Design {
  const cols = TRUE.length;
  const x = new Float64Array(ROWS * cols);
  const y = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    x[i * cols] = 1;
    for (let c = 1; c < cols; c++) x[i * cols + c] = gauss(7, i, c);
    let v = 0.1 * gauss(11, i, 0);
    for (let c = 0; c < cols; c++) v += (TRUE[c] ?? 0) * (x[i * cols + c] ?? 0);
    if (outliers && i % 20 === 3) v += 40 + 20 * noise(13, i, 0, 0);
    y[i] = v;
    if (corruptInputs && i % 100 === 7) x[i * cols + 1] = 1000 * (x[i * cols + 1] ?? 0);
  }
  return { x, y, rows: ROWS, cols };
}

const worstError = (beta: ArrayLike<number>): number =>
  Math.max(...TRUE.map((b, c) => Math.abs((beta[c] ?? Number.NaN) - b)));

describe('robust linear fit', () => {
  it('recovers the coefficients despite 5 % gross outliers, where least squares does not', () => {
    const d = design(true);
    const huber = huberFit(d);
    const ols = leastSquares(d);
    if (huber === null || ols === null) throw new Error('singular design');
    // Noise σ = 0.1 over 2,000 rows: the estimate's own spread is ~0.003; Huber's remaining bias from
    // 100 one-sided outliers at bounded influence is a few k·σ/20 ≈ 0.01. Tolerance 0.03.
    expect(worstError(huber.coefficients)).toBeLessThan(0.03);
    // Least squares moves the intercept by the outliers' mean share: ≈ 0.05 × 50 = 2.5.
    expect(worstError(ols)).toBeGreaterThan(1);
    expect(huber.downweighted).toBeGreaterThanOrEqual(100); // every outlier, and some ordinary tail rows
    expect(huber.scale).toBeGreaterThan(0.08); // ≈ σ = 0.1 (MAD / 0.6745), unaffected by the outliers
    expect(huber.scale).toBeLessThan(0.13);
  });

  it('resists gross errors in the inputs too (leverage points), and outliers in y at the same time', () => {
    const d = design(true, true);
    const robust = huberFit(d);
    const ols = leastSquares(d);
    if (robust === null || ols === null) throw new Error('singular design');
    // Same tolerance as above: the 20 corrupted rows get weights ≤ (4 / 250)², no say in the fit.
    expect(worstError(robust.coefficients)).toBeLessThan(0.03);
    expect(worstError(ols)).toBeGreaterThan(1);
  });

  it('agrees with least squares on clean data', () => {
    const d = design(false);
    const huber = huberFit(d);
    const ols = leastSquares(d);
    if (huber === null || ols === null) throw new Error('singular design');
    expect(worstError(ols)).toBeLessThan(0.01); // 4 σ of the estimate's spread
    // Huber weights only the Gaussian tail (|r| > 1.345 σ): the estimates differ by far less than their spread.
    expect(worstError(huber.coefficients)).toBeLessThan(0.01);
    for (const [c, b] of ols.entries()) expect(Math.abs((huber.coefficients[c] ?? 0) - b)).toBeLessThan(0.003);
  });

  it('says a singular design has no fit', () => {
    const x = new Float64Array(20).fill(1); // two identical columns of ones
    expect(leastSquares({ x, y: new Float64Array(10).fill(2), rows: 10, cols: 2 })).toBeNull();
    expect(huberFit({ x, y: new Float64Array(10).fill(2), rows: 10, cols: 2 })).toBeNull();
  });
});
