// No leak: a forecast issued at the end of hour t is bit-identical when any value not known at t
// changes — demand after t, and DF of hours the publication rule had not yet released at t — and
// it does change when a DF value that was known at t changes (so the test can fail).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  buildFeatureStore,
  DEFAULT_DF_PUBLICATION,
  dfKnownFrom,
  STANDARD_UTC_OFFSET,
  type FeatureStore,
} from '../../src/features/index.ts';
import {
  DEFAULT_QUANTILES,
  futureFeatureNames,
  paramLayout,
  referenceForward,
  windowTensors,
  type ModelConfig,
} from '../../src/train/index.ts';
import type { SyntheticOptions } from '../features/support/synthetic.ts';
import { FIRST_HOUR, SPLITS, tempDir, WINDOW, writeWorld } from '../features/support/world.ts';
import { uniform } from './reference-inputs.ts';

const tmp = tempDir('no-leak');
afterAll(() => tmp.cleanup());

const RESPONDENT = 'PACW';
const OFFSET = STANDARD_UTC_OFFSET[RESPONDENT] ?? 0;
const T = 48;
/** Issue hours inside the test split: 00 UTC (every DF of its day known) and 13 UTC (some not yet). */
const ISSUES = [FIRST_HOUR + 24 * 100 + 23, FIRST_HOUR + 24 * 101 + 12];

function build(name: string, edit?: SyntheticOptions['edit']): FeatureStore {
  return buildFeatureStore({
    input: writeWorld(tmp.dir, name, edit === undefined ? {} : { edit }),
    output: join(tmp.dir, `${name}-store`),
    splits: SPLITS,
    window: WINDOW,
  }).store;
}

/** The window ending at issue hour `hour` (its last position issues the forecast), with pred there. */
function forecastAt(store: FeatureStore, hour: number, params: Float64Array, c: ModelConfig) {
  const respondent = store.respondents.findIndex((r) => r.code === RESPONDENT);
  const r = store.respondents[respondent];
  if (!r) throw new Error(`no ${RESPONDENT}`);
  const row = hour - r.firstPeriodMs / 3_600_000;
  const w = windowTensors(store, { respondent, start: row - T + 1 }, T, 'test');
  const { pred } = referenceForward(c, params, { T, x: w.x, future: w.future, target: w.target, mask: w.mask });
  const per = c.horizon * c.quantiles.length;
  const K = c.futureFeatures * c.horizon;
  return {
    x: Array.from(w.x),
    future: Array.from(w.future.subarray((T - 1) * K)),
    pred: Array.from(pred.subarray((T - 1) * per)),
  };
}

describe('a forecast never reads what was not known when it was issued', () => {
  const base = build('base');
  const config: ModelConfig = {
    features: base.metadata.features.length,
    dModel: 8,
    heads: 2,
    layers: 1,
    mlpRatio: 2,
    horizon: WINDOW.horizon,
    futureFeatures: futureFeatureNames(base).length,
    headHidden: 4,
    quantiles: DEFAULT_QUANTILES,
  };
  const params = uniform(paramLayout(config).total, 5, -0.5, 0.5);

  for (const issue of ISSUES) {
    const label = `issued ${new Date(issue * 3_600_000).toISOString().slice(0, 13)}`;
    const known = (h: number): boolean => dfKnownFrom(h, OFFSET, DEFAULT_DF_PUBLICATION) <= issue;

    it(`${label}: demand after t and DF not yet published change nothing (bit-identical)`, () => {
      const edited = build(`unknown-${issue}`, (r, route, s, h, v) => {
        if (r !== RESPONDENT || route !== 'region-data') return undefined;
        if (s === 'D' && h > issue) return v * 1.3 + 100;
        if (s === 'DF' && !known(h)) return v * 0.7;
        return undefined;
      });
      const a = forecastAt(base, issue, params, config);
      const b = forecastAt(edited, issue, params, config);
      expect(b.x).toEqual(a.x);
      expect(b.future).toEqual(a.future);
      expect(b.pred).toEqual(a.pred);
    });

    it(`${label}: a DF value that was published by t does change the forecast`, () => {
      let target = issue + 1;
      while (!known(target)) target++;
      expect(target).toBeLessThanOrEqual(issue + WINDOW.horizon);
      const edited = build(`known-${issue}`, (r, route, s, h, v) =>
        r === RESPONDENT && route === 'region-data' && s === 'DF' && h === target ? v * 1.5 : undefined,
      );
      const a = forecastAt(base, issue, params, config);
      const b = forecastAt(edited, issue, params, config);
      expect(b.future).not.toEqual(a.future);
      expect(Math.max(...b.pred.map((p, i) => Math.abs(p - (a.pred[i] ?? 0))))).toBeGreaterThan(1e-6);
    });
  }

  it('the 00 UTC issue sees DF for all 24 hours it covers; a mid-day issue does not (the rule is exercised)', () => {
    const [midnight = 0, midday = 0] = ISSUES;
    const hoursKnown = (issue: number): number =>
      Array.from({ length: 24 }, (_, h) => dfKnownFrom(issue + 1 + h, OFFSET, DEFAULT_DF_PUBLICATION) <= issue).filter(
        Boolean,
      ).length;
    expect(hoursKnown(midnight)).toBe(24);
    expect(hoursKnown(midday)).toBeLessThan(24);
  });
});
