// core's order statistics against the definition on a sorted copy: the median is the middle value
// (mean of the two middle ones for an even count), a quantile interpolates linearly between ranks.
import { describe, expect, it } from 'vitest';
import { median, quantile, quantileOfSorted, seededF32 } from '../../src/core/index.ts';

function sortedMedian(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
}

describe('median', () => {
  it('equals the sorted median for odd and even lengths, with ties, and does not reorder its input', () => {
    for (const n of [1, 2, 3, 4, 7, 10, 101, 1000]) {
      for (const seed of [1, 2, 3]) {
        // Rounded to few distinct values so that ties are common.
        const v = Array.from(seededF32(n, seed, 0, n / 3 + 1), Math.floor);
        const before = [...v];
        expect(median(v), `n=${n} seed=${seed}`).toBe(sortedMedian(v));
        expect(v).toEqual(before);
      }
    }
  });

  it('takes typed arrays, and is NaN for no values', () => {
    expect(median(Float64Array.of(5, 1, 4, 2))).toBe(3);
    expect(median([])).toBeNaN();
  });
});

describe('quantile', () => {
  it('interpolates linearly between the closest ranks (numpy default)', () => {
    const v = [10, 40, 20, 30]; // sorted: 10 20 30 40, positions 0..3
    expect(quantile(v, 0)).toBe(10);
    expect(quantile(v, 1)).toBe(40);
    expect(quantile(v, 0.5)).toBe(25);
    expect(quantile(v, 0.25)).toBeCloseTo(17.5, 12); // position 0.75
    expect(quantile(v, 0.95)).toBeCloseTo(38.5, 12); // position 2.85
    expect(quantileOfSorted([1, 2, 3], 0.5)).toBe(2);
  });

  it('agrees with the median at q = 0.5', () => {
    const v = Array.from(seededF32(99, 7, -3, 3));
    expect(quantile(v, 0.5)).toBe(median(v));
  });

  it('is NaN for no values and refuses q outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(/q = 1.5, expected a number in \[0, 1\]/);
    expect(() => quantile([1], Number.NaN)).toThrow(RangeError);
  });
});
