// Gaps: a removed hour is a masked row at its own clock hour, lags stay aligned to clock hours,
// short gaps are filled and flagged (when asked), and no window crosses a long gap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import {
  buildFeatureStore,
  MIN_TARGET_SHARE,
  RECENT_INPUT_HOURS,
  resolveGaps,
  type FeatureStore,
} from '../../src/features/index.ts';
import { demandAt, hourOf } from './support/synthetic.ts';
import { FIRST_HOUR, SPLITS, tempDir, WINDOW, writeWorld } from './support/world.ts';
import { HOUR_MS } from '../../src/core/index.ts';

const tmp = tempDir('gaps');
afterAll(() => tmp.cleanup());

const REMOVED = hourOf('2023-02-10T05'); // one hour dropped from PACW demand
const LONG_FROM = hourOf('2023-03-15T10'); // 30 hours missing from ERCO demand (long gap)
const LONG_HOURS = 30;

let store: FeatureStore;
beforeAll(() => {
  const input = writeWorld(tmp.dir, 'raw', {
    edit: (r, route, s, h) => {
      if (route !== 'region-data' || s !== 'D') return undefined;
      if (r === 'PACW' && h === REMOVED) return 'drop';
      if (r === 'ERCO' && h >= LONG_FROM && h < LONG_FROM + LONG_HOURS) return null;
      return undefined;
    },
  });
  store = buildFeatureStore({
    input,
    output: join(tmp.dir, 'store'),
    splits: SPLITS,
    window: WINDOW,
    gaps: { fill: 'none', shortGapHours: 6 },
  }).store;
});

function respondent(code: string) {
  const r = store.respondents.find((x) => x.code === code);
  if (r === undefined) throw new Error(`no ${code}`);
  return r;
}

function feature(code: string, name: string, row: number): number {
  const f = store.featureNames.indexOf(name);
  return respondent(code).features[row * store.featureNames.length + f] ?? Number.NaN;
}

describe('a removed hour', () => {
  it('is a row at its own clock hour with demand_observed = 0 and a null demand_mwh', () => {
    const pacw = respondent('PACW');
    const t = REMOVED - FIRST_HOUR;
    expect(pacw.hours).toBe(hourOf('2023-05-01T00') - FIRST_HOUR + 1);
    expect(feature('PACW', 'demand_observed', t)).toBe(0);
    expect(feature('PACW', 'demand_observed', t - 1)).toBe(1);
    expect(pacw.demand[t]).toBeNaN();
    const table = tableFromIPC(readFileSync(join(tmp.dir, 'store', 'respondents', 'PACW.arrow')));
    const period = table.getChild('period');
    expect(Number(period?.get(t))).toBe(REMOVED * HOUR_MS);
    expect(table.getChild('demand_mwh')?.get(t)).toBeNull();
  });

  it('leaves lags aligned to clock hours: lag k at t is demand at t − k, masked when that hour is missing', () => {
    const t = REMOVED - FIRST_HOUR;
    const { mean, std } = store.metadata.respondents[1]?.normalisation['demand_lag_24'] ?? { mean: 0, std: 1 };
    // 24 h after the hole, lag 24 points into the hole: unavailable (0 after normalisation), not the hour before it.
    expect(feature('PACW', 'demand_lag_24', t + 24)).toBe(0);
    // 25 h after, lag 24 reads the hour after the hole, whose generated demand we know exactly.
    const expected = (demandAt(1, 0, REMOVED + 1) - mean) / std;
    expect(feature('PACW', 'demand_lag_24', t + 25)).toBeCloseTo(expected, 4); // float32 store: ~1e-7 relative
    expect(feature('PACW', 'demand_lag_1', t + 1)).toBe(0);
  });
});

describe('a long gap', () => {
  it('is flagged on every hour past the short-gap length, masked in the inputs of windows that cross it', () => {
    const erco = respondent('ERCO');
    const t0 = LONG_FROM - FIRST_HOUR;
    const short = store.metadata.gaps.shortGapHours;
    expect(Array.from(erco.longGap.subarray(t0, t0 + LONG_HOURS))).toEqual(
      Array.from({ length: LONG_HOURS }, (_, i) => (i < short ? 0 : 1)),
    );
    const F = store.featureNames.length;
    const observed = store.featureNames.indexOf('demand_observed');
    const demand = store.featureNames.indexOf('demand');
    let crossing = 0;
    for (const split of ['train', 'validation', 'test'] as const) {
      for (const w of store.windows(split)) {
        if (w.respondent !== 'ERCO') continue;
        for (let t = 0; t < WINDOW.seqLen; t++) {
          if (erco.longGap[w.start + t] !== 1) continue;
          crossing++;
          expect([w.inputs[t * F + observed], w.inputs[t * F + demand]]).toEqual([0, 0]);
        }
      }
    }
    expect(crossing).toBeGreaterThan(0); // windows go on through the gap
  });

  it('drops exactly the windows the keep rule drops: recent inputs in a gap, or half the target unscored', () => {
    const erco = respondent('ERCO');
    const pacw = respondent('PACW');
    let lost = 0;
    for (const split of ['train', 'validation', 'test'] as const) {
      const kept = new Set(erco.windows[split]);
      for (const s of pacw.windows[split]) {
        const target = s + WINDOW.seqLen;
        const recentGap = erco.longGap.subarray(target - RECENT_INPUT_HOURS, target).some((g) => g === 1);
        const scored = Array.from(erco.demand.subarray(target, target + WINDOW.horizon)).filter(
          (v) => !Number.isNaN(v),
        );
        const keep = !recentGap && scored.length >= MIN_TARGET_SHARE * WINDOW.horizon;
        expect(kept.has(s), `window at ${s}`).toBe(keep);
        if (!keep) lost++;
      }
    }
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(3); // a 30-hour hole costs the days it touches, not the year after it
  });
});

describe('short gaps', () => {
  const demand = Float64Array.from([
    10,
    11,
    Number.NaN,
    Number.NaN,
    14,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    Number.NaN,
    19,
  ]);

  it('are carried forward and flagged when fill is carry-forward; later hours of a long run stay masked', () => {
    const g = resolveGaps(demand, { shortGapHours: 2, fill: 'carry-forward' });
    expect(Array.from(g.value)).toEqual([10, 11, 11, 11, 14, 14, 14, Number.NaN, Number.NaN, 19]);
    expect(Array.from(g.filled)).toEqual([0, 0, 1, 1, 0, 1, 1, 0, 0, 0]);
    expect(Array.from(g.observed)).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(Array.from(g.longGap)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
  });

  it('take the value 24 h earlier when fill is previous-day (the last value before a day of history)', () => {
    const day = Float64Array.from({ length: 30 }, (_, t) => 100 + t);
    day[25] = Number.NaN;
    day[26] = Number.NaN;
    day[3] = Number.NaN;
    const g = resolveGaps(day, { shortGapHours: 48, fill: 'previous-day' });
    expect(g.value[25]).toBe(101); // hour 1, one day earlier
    expect(g.value[26]).toBe(102);
    expect(g.value[3]).toBe(102); // no day of history yet: the last value
    expect(Array.from(g.filled).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('stay masked and unfilled when fill is none', () => {
    const g = resolveGaps(demand, { shortGapHours: 2, fill: 'none' });
    expect(Array.from(g.filled)).toEqual(new Array(10).fill(0));
    expect(g.value[2]).toBeNaN();
    expect(Array.from(g.longGap)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
  });
});
