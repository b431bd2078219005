// Evaluation scores the model and the baselines on the same reported hours: the metrics match a
// hand computation, a seasonal-naive predictor ties seasonal-naive exactly, a perfect one scores
// ≈ 0, unreported (filled) hours never count, and the table and JSON carry every figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureStore, SplitRange } from '../../src/features/index.ts';
import {
  evaluate,
  evaluationJson,
  formatEvaluationTable,
  issuedAtMidnight,
  maseScale,
  respondentMetrics,
  viewMetrics,
  type RespondentForecasts,
  type RespondentMetrics,
  type RespondentSeries,
} from '../../src/train/evaluate/index.ts';
import { tempDir } from '../features/support/world.ts';
import {
  buildEvalStore,
  HORIZON,
  oracle,
  perfectPredictor,
  respondentOf,
  seasonalNaivePredictor,
} from './support/eval-store.ts';

const tmp = tempDir('evaluate');
afterAll(() => tmp.cleanup());
const SEQ = 240;

let store: FeatureStore;
let gappy: FeatureStore;
beforeAll(() => {
  store = buildEvalStore(tmp.dir, 'store');
  // 3 % of demand hours unreported (filled from the previous day), so targets and lags have holes.
  gappy = buildEvalStore(tmp.dir, 'gappy', { nullRate: 0.03 });
});

describe('metrics on a hand-made case', () => {
  // Two forecasts × 2 hours; the 4th hour is not scored (its actual was not reported).
  const f: RespondentForecasts = {
    respondent: 'HAND',
    firstHour: 0,
    horizon: 2,
    issued: Int32Array.from([0, 1]),
    forecast: Float64Array.from([110, 190, 90, 500]),
    actual: Float64Array.from([100, 200, 100, Number.NaN]),
    seasonalNaive: Float64Array.from([120, 180, 100, 1]),
    naive24h: Float64Array.from([100, 220, 130, 1]),
    df: Float64Array.from([101, Number.NaN, 98, 1]),
    scored: Uint8Array.from([1, 1, 1, 0]),
    windows: [],
    plan: { first: 0, last: 1, skipped: { noHistory: 0, longGap: 0 } },
  };

  it('gives MAPE, MAE and MASE as computed by hand', () => {
    const m = respondentMetrics(f, 5, () => true);
    const tol = 1e-12; // plain f64 sums of three terms
    expect(m.hours).toBe(3);
    expect(m.dayAheadHours).toBe(2);
    // model |e| = 10, 10, 10 over actuals 100, 200, 100
    expect(m.mae.model).toBeCloseTo(10, 12);
    expect(Math.abs((m.mape.model ?? 0) - (100 * (0.1 + 0.05 + 0.1)) / 3)).toBeLessThan(tol);
    expect(Math.abs((m.mase.model ?? 0) - 2)).toBeLessThan(tol);
    // seasonal-naive |e| = 20, 20, 0
    expect(Math.abs((m.mape.seasonalNaive ?? 0) - 10)).toBeLessThan(tol);
    expect(Math.abs((m.mae.seasonalNaive ?? 0) - 40 / 3)).toBeLessThan(tol);
    // naive-24 h |e| = 0, 20, 30
    expect(Math.abs((m.mape.naive24h ?? 0) - 40 / 3)).toBeLessThan(tol);
    expect(Math.abs((m.mase.naive24h ?? 0) - 50 / 3 / 5)).toBeLessThan(tol);
    // DF only where present: |e| = 1 (of 100), 2 (of 100)
    expect(Math.abs((m.mape.dayAhead ?? 0) - 1.5)).toBeLessThan(tol);
    expect(Math.abs((m.mae.dayAhead ?? 0) - 1.5)).toBeLessThan(tol);
    expect(Math.abs((m.mase.dayAhead ?? 0) - 0.3)).toBeLessThan(tol);
  });

  it('keeps only the 00 UTC forecasts in the day-ahead view, and has no MASE without a scale', () => {
    const m = respondentMetrics(f, null, issuedAtMidnight);
    expect(m.forecasts).toBe(1);
    expect(m.hours).toBe(2);
    expect(Math.abs((m.mape.model ?? 0) - 7.5)).toBeLessThan(1e-12);
    expect(m.mase).toEqual({ model: null, seasonalNaive: null, naive24h: null, dayAhead: null });
  });

  it('takes the MASE scale from reported train hours one week apart', () => {
    const train: SplitRange = { name: 'train', from: 'x', to: 'y', firstHour: 1000, lastHour: 1000 + 169 };
    const actual = new Float32Array(175).map((_, t) => t % 7);
    actual[168] = 10; // |10 − actual[0] = 0| = 10
    actual[169] = 4; // |4 − actual[1] = 1| = 3
    actual[170] = 99; // outside the train split: not counted
    const s: RespondentSeries = {
      code: 'X',
      firstHour: 1000,
      rows: 175,
      norm: { mean: 0, std: 1 },
      actual,
      history: new Float64Array(175),
      df: new Float64Array(175),
    };
    expect(maseScale(s, train)).toBe(6.5);
    actual[169] = Number.NaN; // unreported: skipped
    expect(maseScale(s, train)).toBe(10);
  });

  it('averages and takes medians over respondents, leaving out those without a figure', () => {
    const one = (mape: number, df: number | null): RespondentMetrics => ({
      respondent: 'R',
      forecasts: 1,
      hours: 2,
      dayAheadHours: df === null ? 0 : 2,
      mape: { model: mape, seasonalNaive: 2 * mape, naive24h: mape, dayAhead: df },
      mae: { model: 1, seasonalNaive: 1, naive24h: 1, dayAhead: df },
      mase: { model: 1, seasonalNaive: 1, naive24h: 1, dayAhead: null },
      maseScale: null,
    });
    const v = viewMetrics([one(1, 4), one(2, null), one(6, 1)]);
    expect(v.mape.model).toBe(3);
    expect(v.medianMape.model).toBe(2);
    expect(v.mape.seasonalNaive).toBe(6);
    expect(v.mape.dayAhead).toBe(2.5);
    expect(v.medianMape.dayAhead).toBe(2.5);
    expect(v.mase.dayAhead).toBeNull();
    expect(v.hours).toBe(6);
  });
});

describe('on a real feature store', () => {
  it('scores a constant predictor exactly as a direct computation from the store does', async () => {
    // Predicting normalised 0 forecasts each respondent's train mean demand at every hour.
    const e = await evaluate(
      store,
      oracle(store, SEQ, () => 0),
      { split: 'test' },
    );
    const test = store.metadata.splits.find((s) => s.name === 'test');
    if (test === undefined) throw new Error('no test split');
    for (const m of e.report.perRespondent) {
      const r = respondentOf(store, m.respondent);
      const meta = store.metadata.respondents.find((x) => x.code === m.respondent);
      const mean = meta?.normalisation.demand?.mean ?? Number.NaN;
      const first = r.firstPeriodMs / 3_600_000;
      let sum = 0;
      let n = 0;
      let issues = 0;
      // Issue hours: every hour-ending row i with rows i+1 … i+24 inside April (the test split).
      for (let i = test.firstHour - 1 - first; i + HORIZON <= test.lastHour - first; i++, issues++) {
        for (let j = i + 1; j <= i + HORIZON; j++) {
          const a = r.demand[j] ?? Number.NaN;
          if (Number.isNaN(a)) continue;
          sum += Math.abs(mean - a) / a;
          n++;
        }
      }
      expect(m.forecasts).toBe(issues);
      expect(issues).toBe(30 * 24 - HORIZON + 1);
      expect(m.hours).toBe(n);
      // f64 sums of the same terms in the same order; only the Float32 round trip of the mean differs
      expect(Math.abs((m.mape.model ?? 0) - (100 * sum) / n)).toBeLessThan(1e-9);
    }
    expect(e.report.skipped).toEqual({ noHistory: 0, longGap: 0 });
  });

  it('ties seasonal-naive exactly when the predictor returns the value one week earlier', async () => {
    for (const s of [store, gappy]) {
      const e = await evaluate(s, seasonalNaivePredictor(s, SEQ), { split: 'test' });
      for (const view of [e.report, e.report.dayAheadView]) {
        for (const m of view.perRespondent) {
          expect(m.mape.model).toBe(m.mape.seasonalNaive);
          expect(m.mae.model).toBe(m.mae.seasonalNaive);
          expect(m.mase.model).toBe(m.mase.seasonalNaive);
        }
        expect(view.mape.model).toBe(view.mape.seasonalNaive);
      }
    }
  });

  it('gives a perfect predictor MAPE ≈ 0, while the baselines and DF are far from 0', async () => {
    const e = await evaluate(store, perfectPredictor(store, SEQ), { split: 'test' });
    for (const m of e.report.perRespondent) {
      // The only error is the Float32 round trip z = (x − mean)/std → z·std + mean: relative ~1e-7.
      expect(m.mape.model ?? Infinity).toBeLessThan(1e-4);
      expect(m.mape.seasonalNaive ?? 0).toBeGreaterThan(0.5);
      expect(m.mape.naive24h ?? 0).toBeGreaterThan(0.5);
      // The synthetic DF is demand × (1 ± 2 %) uniform: its MAPE is about 1 %.
      expect(m.mape.dayAhead ?? 0).toBeGreaterThan(0.7);
      expect(m.mape.dayAhead ?? 0).toBeLessThan(1.3);
      expect(m.dayAheadHours).toBe(m.hours);
    }
  });

  it('never counts an unreported hour: a predictor wildly wrong there still scores ≈ 0', async () => {
    const wrongWhereUnreported = oracle(gappy, SEQ, (r, _i, j) =>
      Number.isNaN(r.demand[j]) ? 1e6 : (r.target[j] ?? 0),
    );
    const e = await evaluate(gappy, wrongWhereUnreported, { split: 'test' });
    let unreported = 0;
    for (const f of e.respondents) {
      for (let k = 0; k < f.actual.length; k++) {
        if (Number.isNaN(f.actual[k])) {
          unreported++;
          expect(f.scored[k]).toBe(0);
        }
      }
    }
    expect(unreported).toBeGreaterThan(100); // 3 % of ~16,700 target hours per respondent
    for (const m of e.report.perRespondent) {
      expect(m.mape.model ?? Infinity).toBeLessThan(1e-4); // as the perfect predictor (Float32 round trip)
      expect(m.mae.model ?? Infinity).toBeLessThan(1);
    }
  });

  it('prints a table with every respondent, the mean and median rows, and a JSON report of the same figures', async () => {
    const e = await evaluate(store, seasonalNaivePredictor(store, SEQ), { split: 'test' });
    const table = formatEvaluationTable(e);
    for (const word of [
      'PACW',
      'ERCO',
      'mean',
      'median',
      'MAPE %',
      'MAE MWh',
      'MASE',
      's-naive',
      'naive24',
      'DF',
      'Day-ahead view',
    ])
      expect(table).toContain(word);
    expect(table).not.toMatch(/NaN|undefined/);
    const json: unknown = JSON.parse(JSON.stringify(evaluationJson(e)));
    expect(json).toMatchObject({
      split: 'test',
      mape: {
        model: e.report.mape.model,
        seasonalNaive: e.report.mape.seasonalNaive,
        naive24h: e.report.mape.naive24h,
        dayAhead: e.report.mape.dayAhead,
      },
      medianMape: { model: e.report.medianMape.model },
      perRespondent: [{ respondent: 'ERCO', hours: expect.any(Number) }, { respondent: 'PACW' }],
      dayAheadView: { forecasts: 2 * 30, mape: { model: expect.any(Number) } },
    });
    expect(e.report.dayAheadView.perRespondent.every((m) => m.hours === 30 * HORIZON)).toBe(true);
  });
});
