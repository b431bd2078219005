// End to end on a small real store: a quantile predictor's pinball loss and P10–P90 coverage equal
// a direct computation from the store, its P50 is the point forecast (after sorting crossed
// quantiles), and the linear DF-correction baseline, MAPE by lead time, the ratios to DF and the
// Diebold–Mariano test come out in both views.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureStore } from '../../src/features/index.ts';
import { evaluate, pinball, type Evaluation } from '../../src/train/evaluate/index.ts';
import { tempDir } from '../features/support/world.ts';
import { bandPredictor, buildEvalStore, HORIZON, respondentOf } from './support/eval-store.ts';

const tmp = tempDir('eval-quantiles');
afterAll(() => tmp.cleanup());
const SEQ = 240;
const SPREAD = 0.3; // normalised units: P10/P90 = P50 ∓ 0.3 σ of demand

let store: FeatureStore;
let e: Evaluation;
beforeAll(async () => {
  store = buildEvalStore(tmp.dir, 'store');
  e = await evaluate(store, bandPredictor(store, SEQ, SPREAD), { split: 'test' });
});

describe('quantile forecasts, end to end', () => {
  it('score pinball loss and P10-P90 coverage as a direct computation from the store does', () => {
    const test = store.metadata.splits.find((s) => s.name === 'test');
    if (test === undefined) throw new Error('no test split');
    expect(e.report.quantiles).toEqual([0.1, 0.5, 0.9]);
    for (const m of e.report.perRespondent) {
      const r = respondentOf(store, m.respondent);
      const norm = store.metadata.respondents.find((x) => x.code === m.respondent)?.normalisation.demand;
      if (norm === undefined) throw new Error('no normalisation');
      const first = r.firstPeriodMs / 3_600_000;
      const loss = [0, 0, 0];
      let inside = 0;
      let actual = 0;
      let n = 0;
      for (let i = test.firstHour - 1 - first; i + HORIZON <= test.lastHour - first; i++) {
        for (let j = i + 1; j <= i + HORIZON; j++) {
          const y = r.demand[j] ?? Number.NaN;
          const z = r.target[j - 24] ?? 0;
          // the predictor's Float32 outputs, denormalised
          const q = [z - SPREAD, z, z + SPREAD].map((v) => Math.fround(v) * norm.std + norm.mean);
          [0.1, 0.5, 0.9].forEach((tau, l) => {
            loss[l] = (loss[l] ?? 0) + pinball(tau, q[l] ?? 0, y);
          });
          if ((q[0] ?? 0) <= y && y <= (q[2] ?? 0)) inside++;
          actual += y;
          n++;
        }
      }
      expect(m.hours).toBe(n); // no unreported hours in this store: every target hour is scored
      const byLevel = loss.map((s) => s / n);
      const meanLoss = byLevel.reduce((a, b) => a + b, 0) / 3;
      // f64 sums of the same ~17,000 terms; only the order of the additions may differ: relative 1e-9
      byLevel.forEach((v, l) => {
        expect(Math.abs((m.pinball?.byLevel[l] ?? 0) - v)).toBeLessThan(1e-9 * v);
      });
      expect(Math.abs((m.pinball?.relativePercent ?? 0) - (100 * meanLoss) / (actual / n))).toBeLessThan(1e-9);
      expect(Math.abs((m.coverage ?? 0) - (100 * inside) / n)).toBeLessThan(1e-9);
      expect(m.coverage ?? 0).toBeGreaterThan(5); // a band of ±0.3 σ around naive-24 h holds some hours …
      expect(m.coverage ?? 100).toBeLessThan(95); // … and misses others
    }
    expect(e.report.coverage).not.toBeNull();
    expect(e.report.dayAheadView.pinballRelativePercent).not.toBeNull();
  });

  it('take the sorted P50 as the point forecast: it ties naive-24 h at every lead time', () => {
    for (const view of [e.report, e.report.dayAheadView]) {
      for (const m of view.perRespondent) {
        expect(m.mape.model).toBe(m.mape.naive24h);
        expect(m.mapeByLead.model).toEqual(m.mapeByLead.naive24h);
        expect(m.mapeByLead.model).toHaveLength(HORIZON);
        expect(m.ratios.modelToDayAhead).toBe((m.mape.naive24h ?? 0) / (m.mape.dayAhead ?? 1));
      }
    }
  });

  it('score the linear DF-correction baseline on every scored hour, with DF where it was known', () => {
    for (const m of e.report.perRespondent) {
      // The synthetic DF is demand × (1 ± 2 %): corrected by the recent level it beats naive-24 h by far.
      expect(m.mape.linear ?? Infinity).toBeLessThan(0.5 * (m.mape.naive24h ?? 0));
      expect(m.mape.linear ?? Infinity).toBeLessThan(1.5 * (m.mape.dayAhead ?? 0));
      // Issued every hour, DF of late targets is not yet published at some issue hours (default rule) …
      expect(m.linearWithDfHours).toBeGreaterThan(0.5 * m.hours);
      expect(m.linearWithDfHours).toBeLessThan(m.hours);
      expect(m.ratios.modelToLinear).toBe((m.mape.model ?? 0) / (m.mape.linear ?? 1));
    }
    // … while the 00 UTC issue sees DF of all 24 hours it covers.
    for (const m of e.report.dayAheadView.perRespondent) expect(m.linearWithDfHours).toBe(m.hours);
    for (const f of e.respondents) {
      f.scored.forEach((s, k) => {
        if (s === 1) expect(Number.isFinite(f.linear[k])).toBe(true);
      });
    }
    expect(e.report.linearBaseline.map((l) => l.withDf.leads)).toEqual([HORIZON, HORIZON]);
  });

  it('test model vs DF with Diebold-Mariano in both views: DF (1 % error) beats naive-24 h clearly', () => {
    for (const m of e.report.perRespondent) {
      expect(m.dieboldMariano).toMatchObject({ n: m.forecasts, lag: HORIZON - 1, steps: HORIZON, better: 'dayAhead' });
      expect(m.dieboldMariano?.statistic ?? 0).toBeGreaterThan(0);
      expect(m.dieboldMariano?.pValue ?? 1).toBeLessThan(0.01);
    }
    for (const m of e.report.dayAheadView.perRespondent) {
      expect(m.dieboldMariano).toMatchObject({ n: 30, lag: 0, steps: 1, better: 'dayAhead' });
      expect(m.dieboldMariano?.pValue ?? 1).toBeLessThan(0.01);
    }
  });
});
