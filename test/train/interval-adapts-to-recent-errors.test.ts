// The P10–P90 interval calibrated from the forecaster's own recent errors: a band too narrow is
// widened and one too wide narrowed toward the nominal 80 %, and the offset at issue hour t reads no
// demand after t (changing later demand leaves the forecast at t bit-identical).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureStore } from '../../src/features/index.ts';
import { calibratedPredictor } from '../../src/train/index.ts';
import { evaluate } from '../../src/train/evaluate/index.ts';
import { tempDir } from '../features/support/world.ts';
import { bandPredictor, buildEvalStore, HORIZON, respondentOf } from './support/eval-store.ts';

const tmp = tempDir('interval');
afterAll(() => tmp.cleanup());
const SEQ = 240;
const CAL = { lookback: 96, minScores: 24 };
let store: FeatureStore;
beforeAll(() => {
  store = buildEvalStore(tmp.dir, 'store');
});

async function coverage(spread: number, calibrated: boolean): Promise<number> {
  const base = bandPredictor(store, SEQ, spread);
  const p = calibrated ? calibratedPredictor(store, base, CAL) : base;
  return (await evaluate(store, p, { split: 'test' })).report.coverage ?? Number.NaN;
}

describe('the P10–P90 interval calibrated from recent errors', () => {
  it('widens a band too narrow and narrows one too wide, to near 80 % coverage', async () => {
    const [narrow, narrowCal, wide, wideCal] = await Promise.all([
      coverage(0.02, false),
      coverage(0.02, true),
      coverage(3, false),
      coverage(3, true),
    ]);
    expect(narrow).toBeLessThan(40);
    expect(wide).toBeGreaterThan(99);
    // A rolling conformal quantile of ~70 recent scores per lead: coverage within ±8 points of 80 %.
    for (const c of [narrowCal, wideCal]) {
      expect(c).toBeGreaterThan(72);
      expect(c).toBeLessThan(88);
    }
  });

  it('reads no demand after the issue hour: later demand changes leave earlier forecasts bit-identical', async () => {
    const code = store.respondents[0]?.code ?? '';
    const r = respondentOf(store, code);
    const start = r.hours - SEQ - 48;
    const p = calibratedPredictor(store, bandPredictor(store, SEQ, 0.02), CAL);
    const before = await p.predict(code, start);
    const issue = 150; // position whose forecast is compared
    const saved = Float32Array.from(r.target.subarray(start + issue + 1));
    r.target.subarray(start + issue + 1).fill(5); // every later hour's demand (normalised)
    try {
      const after = await p.predict(code, start);
      const per = HORIZON * 3;
      const rows = (a: Float32Array): number[] => Array.from(a.subarray(0, (issue + 1) * per));
      expect(rows(after).slice(issue * per)).not.toEqual([]);
      // The band predictor's P50 reads demand 24 h before each target, itself ≤ the issue hour for
      // leads ≤ 24, so the whole row at `issue` must be unchanged.
      expect(rows(after)).toEqual(rows(before));
      expect(Array.from(after.subarray((issue + 30) * per))).not.toEqual(
        Array.from(before.subarray((issue + 30) * per)),
      );
    } finally {
      r.target.set(saved, start + issue + 1);
    }
  });
});
