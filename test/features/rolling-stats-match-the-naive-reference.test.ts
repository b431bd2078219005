// The O(n) rolling mean/std/min/max (running sums + monotonic deques) against a direct
// O(n·w) reference over the same trailing window, with missing values.
import { describe, expect, it } from 'vitest';
import { rollingStats } from '../../src/features/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { noise } from './support/synthetic.ts';

function reference(x: Float64Array, w: number) {
  const n = x.length;
  const out = {
    mean: new Float64Array(n),
    std: new Float64Array(n),
    min: new Float64Array(n),
    max: new Float64Array(n),
  };
  for (let t = 0; t < n; t++) {
    const vals = Array.from(x.subarray(Math.max(0, t - w + 1), t + 1)).filter((v) => !Number.isNaN(v));
    if (vals.length === 0) {
      out.mean[t] = out.std[t] = out.min[t] = out.max[t] = Number.NaN;
      continue;
    }
    const m = vals.reduce((a, b) => a + b, 0) / vals.length;
    out.mean[t] = m;
    out.std[t] = Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length);
    out.min[t] = Math.min(...vals);
    out.max[t] = Math.max(...vals);
  }
  return out;
}

/** Demand-like series around 30,000 MWh with isolated NaNs and one 40-hour hole. */
function series(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => {
    if (noise(3, 1, 1, t) < 0.03 || (t >= 500 && t < 540)) return Number.NaN;
    return 30_000 + 5_000 * Math.sin(t / 4) + 2_000 * noise(3, 2, 2, t);
  });
}

const finiteOrZero = (a: Float64Array): Float64Array => a.map((v) => (Number.isNaN(v) ? 0 : v));

describe('rollingStats', () => {
  for (const w of [1, 24, 168]) {
    it(`w = ${w}: matches the reference over 3,000 hours with gaps`, () => {
      const x = series(3000);
      const got = rollingStats(x, w);
      const want = reference(x, w);
      for (const k of ['mean', 'std', 'min', 'max'] as const) {
        expect(Array.from(got[k], Number.isNaN)).toEqual(Array.from(want[k], Number.isNaN));
      }
      // float64 sums around 3e4 MWh, re-anchored every w steps: error stays below 1e-8 MWh.
      expectAllClose(finiteOrZero(got.mean), finiteOrZero(want.mean), { atol: 1e-8, rtol: 1e-12 }, 'rolling mean');
      expectAllClose(finiteOrZero(got.std), finiteOrZero(want.std), { atol: 1e-8, rtol: 1e-12 }, 'rolling std');
      expect(finiteOrZero(got.min)).toEqual(finiteOrZero(want.min)); // exact: min/max pick values
      expect(finiteOrZero(got.max)).toEqual(finiteOrZero(want.max));
    });
  }
});
