// The linear DF-correction baseline never reads a DF value that was not yet published when the
// forecast was issued: changing such values leaves its forecast unchanged, while changing a value
// already known changes it. It is fitted on the train split alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dfKnownFrom, type FeatureStore, type SplitRange } from '../../src/features/index.ts';
import {
  fitLinearBaseline,
  linearForecast,
  respondentSeries,
  type LinearBaseline,
  type RespondentSeries,
} from '../../src/train/evaluate/index.ts';
import { tempDir } from '../features/support/world.ts';
import { buildEvalStore, HORIZON, respondentOf } from './support/eval-store.ts';

const tmp = tempDir('eval-linear');
afterAll(() => tmp.cleanup());

let store: FeatureStore;
let train: SplitRange;
let test: SplitRange;
beforeAll(() => {
  store = buildEvalStore(tmp.dir, 'store');
  const split = (name: string): SplitRange => {
    const s = store.metadata.splits.find((x) => x.name === name);
    if (s === undefined) throw new Error(`no ${name} split`);
    return s;
  };
  train = split('train');
  test = split('test');
});

const forecastsAt = (b: LinearBaseline, s: RespondentSeries, i: number) =>
  Array.from({ length: HORIZON }, (_, k) => linearForecast(b, s, i, k + 1));

/** Whether DF of row j is known at the end of issue row i under the store's rule. */
const known = (s: RespondentSeries, i: number, j: number): boolean =>
  s.firstHour + i >= dfKnownFrom(s.firstHour + j, s.utcOffset, s.dfPublication);

describe('linear DF-correction baseline', () => {
  it('gives the same forecast at t when DF values not yet published at t change', () => {
    for (const code of ['PACW', 'ERCO']) {
      const series = respondentSeries(store, respondentOf(store, code));
      const baseline = fitLinearBaseline(series, train, HORIZON);
      // Issue hours across one test day: some see DF of all 24 targets, others only of the first few.
      const day = test.firstHour - series.firstHour + 5 * 24;
      let unknownTargets = 0;
      for (let i = day; i < day + 24; i++) {
        const before = forecastsAt(baseline, series, i);
        const df = Float64Array.from(series.df);
        for (let j = i + 1; j < series.rows; j++) {
          if (known(series, i, j)) continue;
          df[j] = j % 3 === 0 ? Number.NaN : 3 * (df[j] ?? 0) + 1000; // anything at all
          if (j <= i + HORIZON) unknownTargets++;
        }
        const changed: RespondentSeries = { ...series, df };
        expect(forecastsAt(baseline, changed, i)).toEqual(before);
        // Refitting reads the changed series too (once a day: a fit takes a while); nothing changes.
        if (i === day + 12) expect(forecastsAt(fitLinearBaseline(changed, train, HORIZON), changed, i)).toEqual(before);
        // every target whose DF is unknown at i used the variant without DF, every other one DF
        for (const [k, f] of before.entries())
          expect(f.variant).toBe(known(series, i, i + k + 1) ? 'withDf' : 'withoutDf');
      }
      expect(unknownTargets).toBeGreaterThan(0); // the rule did hide some targets' DF on this day
    }
  });

  it('changes its forecast when a DF value already published changes (the test above can fail)', () => {
    const series = respondentSeries(store, respondentOf(store, 'PACW'));
    const baseline = fitLinearBaseline(series, train, HORIZON);
    const i = test.firstHour - series.firstHour + 5 * 24; // 00 UTC: DF of all 24 targets known (default rule)
    expect(known(series, i, i + HORIZON)).toBe(true);
    const df = Float64Array.from(series.df);
    df[i + 1] = (df[i + 1] ?? 0) * 1.1;
    const after = linearForecast(baseline, { ...series, df }, i, 1);
    expect(after.variant).toBe('withDf');
    expect(after.value).not.toBe(linearForecast(baseline, series, i, 1).value);
  });

  it('is fitted on the train split alone: changing every later hour leaves the coefficients as they were', () => {
    const series = respondentSeries(store, respondentOf(store, 'ERCO'));
    const baseline = fitLinearBaseline(series, train, HORIZON);
    const after = train.lastHour - series.firstHour + 1;
    const scramble = (v: number, t: number): number => (t >= after ? v * 2 + 7 : v);
    const changed: RespondentSeries = {
      ...series,
      df: Float64Array.from(series.df, scramble),
      history: Float64Array.from(series.history, scramble),
      actual: Float32Array.from(series.actual, scramble),
    };
    const refit = fitLinearBaseline(changed, train, HORIZON);
    for (const variant of ['withDf', 'withoutDf'] as const) {
      refit[variant].forEach((f, k) => {
        expect(f?.rows).toBeGreaterThan(500);
        expect(f?.fit.coefficients).toEqual(baseline[variant][k]?.fit.coefficients);
      });
    }
  });
});
