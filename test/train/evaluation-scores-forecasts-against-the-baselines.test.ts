// Evaluation scores the model and the baselines on the same reported hours: the metrics match a
// hand computation, a seasonal-naive predictor ties seasonal-naive exactly, a perfect one scores
// ≈ 0, unreported (filled) hours never count, and the table and JSON carry every figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DF_PUBLICATION, type FeatureStore, type SplitRange } from '../../src/features/index.ts';
import {
  byMethod,
  DAY_AHEAD_VIEW,
  evaluate,
  everyHourView,
  evaluationJson,
  formatEvaluationTable,
  maseScale,
  pinball,
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
    quantileLevels: [0.1, 0.5, 0.9],
    quantiles: Float64Array.from([95, 110, 120, 150, 190, 195, 80, 90, 105, 1, 500, 600]),
    actual: Float64Array.from([100, 200, 100, Number.NaN]),
    seasonalNaive: Float64Array.from([120, 180, 100, 1]),
    naive24h: Float64Array.from([100, 220, 130, 1]),
    df: Float64Array.from([101, Number.NaN, 98, 1]),
    linear: Float64Array.from([105, 210, 100, 1]),
    linearWithDf: Uint8Array.from([1, 0, 1, 0]),
    scored: Uint8Array.from([1, 1, 1, 0]),
    windows: [],
    plan: {
      first: 0,
      last: 1,
      skipped: { noHistory: 0, gap: 0 },
      skippedRuns: [],
      reportedIssues: 2,
      reportedForecast: 2,
    },
  };
  const all = everyHourView(2);

  it('gives MAPE, MAE and MASE as computed by hand', () => {
    const m = respondentMetrics(f, 5, all);
    const tol = 1e-12; // plain f64 sums of three terms
    expect(m.hours).toBe(3);
    expect(m.dayAheadHours).toBe(2);
    expect(m.linearWithDfHours).toBe(2);
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
    // linear |e| = 5, 10, 0: MAPE (5 % + 5 % + 0) / 3
    expect(Math.abs((m.mape.linear ?? 0) - 10 / 3)).toBeLessThan(tol);
    // DF only where present: |e| = 1 (of 100), 2 (of 100)
    expect(Math.abs((m.mape.dayAhead ?? 0) - 1.5)).toBeLessThan(tol);
    expect(Math.abs((m.mae.dayAhead ?? 0) - 1.5)).toBeLessThan(tol);
    expect(Math.abs((m.mase.dayAhead ?? 0) - 0.3)).toBeLessThan(tol);
  });

  it('gives MAPE by lead time, and the ratios to DF (on the hours with DF) and to the linear baseline', () => {
    const m = respondentMetrics(f, 5, all);
    const tol = 1e-12;
    // lead 1: hours 0 and 2 (10 %, 10 %); lead 2: hour 1 (5 %)
    expect(m.mapeByLead.model).toHaveLength(2);
    expect(Math.abs((m.mapeByLead.model[0] ?? 0) - 10)).toBeLessThan(tol);
    expect(Math.abs((m.mapeByLead.model[1] ?? 0) - 5)).toBeLessThan(tol);
    expect(Math.abs((m.mapeByLead.dayAhead[0] ?? 0) - 1.5)).toBeLessThan(tol);
    expect(m.mapeByLead.dayAhead[1]).toBeNull(); // no DF at lead 2
    // model on the DF hours: 10 %; DF 1.5 %
    expect(Math.abs((m.ratios.modelToDayAhead ?? 0) - 10 / 1.5)).toBeLessThan(tol);
    expect(Math.abs((m.ratios.skillVsDayAhead ?? 0) - (1 - 10 / 1.5))).toBeLessThan(tol);
    expect(Math.abs((m.ratios.modelToLinear ?? 0) - 25 / 3 / (10 / 3))).toBeLessThan(tol);
  });

  it('gives pinball loss and P10-P90 coverage as computed by hand', () => {
    const m = respondentMetrics(f, 5, all);
    const tol = 1e-12;
    // τ = 0.1: 0.1·5, 0.1·50, 0.1·20 → 2.5; τ = 0.5: 0.5·10 each → 5; τ = 0.9: 0.1·20, 0.9·5, 0.1·5 → 7/3
    expect(m.pinball?.levels).toEqual([0.1, 0.5, 0.9]);
    const byLevel = m.pinball?.byLevel ?? [];
    for (const [l, v] of [2.5, 5, 7 / 3].entries()) expect(Math.abs((byLevel[l] ?? 0) - v)).toBeLessThan(tol);
    expect(Math.abs((m.pinball?.mean ?? 0) - 29.5 / 9)).toBeLessThan(tol);
    expect(Math.abs((m.pinball?.relativePercent ?? 0) - (100 * (29.5 / 9)) / (400 / 3))).toBeLessThan(tol);
    // y = 100 in [95, 120], 200 above [150, 195], 100 in [80, 105]
    expect(Math.abs((m.coverage ?? 0) - 200 / 3)).toBeLessThan(tol);
    expect(pinball(0.9, 10, 4)).toBeCloseTo(0.6, 15);
    expect(pinball(0.9, 4, 10)).toBeCloseTo(5.4, 15);
  });

  it('reports no pinball loss or coverage for a point forecast (Q = 1), not 0', () => {
    const point: RespondentForecasts = { ...f, quantileLevels: [0.5], quantiles: f.forecast };
    const m = respondentMetrics(point, 5, all);
    expect(m.pinball).toBeNull();
    expect(m.coverage).toBeNull();
    expect(m.mape.model).toBe(respondentMetrics(f, 5, all).mape.model);
  });

  it('keeps only the 00 UTC forecasts in the day-ahead view, and has no MASE without a scale', () => {
    const m = respondentMetrics(f, null, DAY_AHEAD_VIEW);
    expect(m.forecasts).toBe(1);
    expect(m.hours).toBe(2);
    expect(Math.abs((m.mape.model ?? 0) - 7.5)).toBeLessThan(1e-12);
    expect(m.mase).toEqual({ model: null, dayAhead: null, linear: null, naive24h: null, seasonalNaive: null });
    expect(m.dieboldMariano).toBeNull(); // one forecast: no test
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
      utcOffset: -8,
      dfPublication: DEFAULT_DF_PUBLICATION,
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
      linearWithDfHours: 0,
      mape: { model: mape, seasonalNaive: 2 * mape, naive24h: mape, dayAhead: df, linear: mape / 2 },
      mae: { model: 1, seasonalNaive: 1, naive24h: 1, dayAhead: df, linear: 1 },
      mase: { model: 1, seasonalNaive: 1, naive24h: 1, dayAhead: null, linear: null },
      mapeByLead: byMethod(() => [mape, df]),
      ratios: {
        modelToDayAhead: df === null ? null : mape / df,
        modelToLinear: 2,
        skillVsDayAhead: df === null ? null : 1 - mape / df,
      },
      pinball: null,
      coverage: df === null ? null : 80,
      dieboldMariano: null,
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
    expect(v.mapeByLead.model).toEqual([3, 2.5]); // per lead, the mean over respondents that have it
    expect(v.ratios.modelToDayAhead).toBe((1 / 4 + 6 / 1) / 2);
    expect(v.ratios.modelToLinear).toBe(2);
    expect(v.coverage).toBe(80);
    expect(v.pinballRelativePercent).toBeNull();
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
    expect(e.report.skipped).toEqual({ noHistory: 0, gap: 0 });
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

  it(
    'prints a table with every respondent, the mean and median rows, and a JSON report of the same ' + 'figures',
    async () => {
      const e = await evaluate(store, seasonalNaivePredictor(store, SEQ), { split: 'test' });
      const table = formatEvaluationTable(e);
      for (const word of [
        'PACW',
        'ERCO',
        'mean',
        'median',
        'MAPE %',
        'model',
        'DF',
        'linear',
        's-naive',
        'naive24',
        'model/DF',
        'model/lin',
        'pinball%',
        'P10-P90%',
        'DM p',
        'Day-ahead view',
        '697 of 697 issue hours forecast',
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
          linear: e.report.mape.linear,
        },
        quantiles: [0.5],
        ratios: { modelToDayAhead: e.report.ratios.modelToDayAhead, modelToLinear: e.report.ratios.modelToLinear },
        mapeByLead: { model: e.report.mapeByLead.model },
        issueHours: [{ respondent: 'ERCO', shareOfReported: 100 }, { respondent: 'PACW' }],
        linearBaseline: [{ respondent: 'ERCO', withDf: { leads: HORIZON } }, { respondent: 'PACW' }],
        medianMape: { model: e.report.medianMape.model },
        perRespondent: [{ respondent: 'ERCO', hours: expect.any(Number) }, { respondent: 'PACW' }],
        dayAheadView: { forecasts: 2 * 30, mape: { model: expect.any(Number) } },
      });
      expect(e.report.dayAheadView.perRespondent.every((m) => m.hours === 30 * HORIZON)).toBe(true);
    },
  );
});
