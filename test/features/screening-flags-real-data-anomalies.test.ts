// Screening (Ruggles et al. 2020 classes) flags zeros and negatives, spikes, stuck runs, unit jumps
// and implausible duplicates, each from past hours only; a flagged hour is never a target (demand
// NaN), enters the inputs filled with demand_anomaly = 1, and its counts reach metadata.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ANOMALY,
  buildFeatureStore,
  countAnomalies,
  DEFAULT_SCREEN,
  screenSeries,
  trainLevel,
} from '../../src/features/index.ts';
import { readRecordedFiles } from '../../src/ingest/sim/recorded-file.ts';
import { SPLITS, tempDir, WINDOW, writeWorld, FIRST_HOUR } from './support/world.ts';
import { HOUR_MS } from '../../src/core/index.ts';

const tmp = tempDir('screen');
afterAll(() => tmp.cleanup());

/** Deterministic noise in [0, 1). */
function jitter(t: number): number {
  const s = Math.sin(t * 12.9898) * 43758.5453;
  return s - Math.floor(s);
}

/** Four weeks of a clean daily cycle around `level` with hourly changes of about level × 3 %. */
function cycle(hours: number, level: number): Float64Array {
  return Float64Array.from({ length: hours }, (_, t) =>
    Math.round(level * (1 + 0.15 * Math.sin((2 * Math.PI * t) / 24) + 0.02 * jitter(t))),
  );
}

describe('screenSeries', () => {
  const clean = cycle(24 * 28, 30_000);

  it('flags nothing in a clean series', () => {
    expect(countAnomalies(screenSeries(clean))).toEqual({
      nonpositive: 0,
      spike: 0,
      stuck: 0,
      unit_jump: 0,
      duplicate: 0,
    });
  });

  it('flags each class where it was injected, and nothing else', () => {
    const x = Float64Array.from(clean);
    x[300] = 0;
    x[301] = -5;
    x[400] = (x[400] ?? 0) * 8; // global spike
    x[450] = (x[450] ?? 0) * 0.55; // local spike: within 3× of the level, far from the hour before
    x[500] = 3_000_000; // unit jump: ×100 for four hours (the first hour is a spike)
    x[501] = 3_010_000;
    x[502] = 3_005_000;
    x[503] = 3_020_000;
    x[550] = x[549] ?? 0; // duplicate: one exact repeat while hourly changes are ~1,000 MWh
    // Stuck for 7 hours: its 2nd hour is an implausible duplicate, its 3rd and later are stuck.
    for (let t = 600; t < 606; t++) x[t] = x[599] ?? 0;
    const code = screenSeries(x);
    const flagged = [...code.keys()].filter((t) => code[t] !== ANOMALY.clean);
    expect(flagged).toEqual([300, 301, 400, 450, 500, 501, 502, 503, 550, 600, 601, 602, 603, 604, 605]);
    expect([code[300], code[301], code[400], code[450], code[500], code[501], code[550], code[601]]).toEqual([
      ANOMALY.nonpositive,
      ANOMALY.nonpositive,
      ANOMALY.spike,
      ANOMALY.spike,
      ANOMALY.spike,
      ANOMALY.unitJump,
      ANOMALY.duplicate,
      ANOMALY.stuck,
    ]);
  });

  it('reads the past only: changing hours after t never changes the class of t', () => {
    const x = Float64Array.from(clean);
    x[200] = (x[200] ?? 0) * 6;
    const before = screenSeries(x);
    const y = Float64Array.from(x);
    for (let t = 201; t < y.length; t++) y[t] = t % 5 === 0 ? -1 : (y[t] ?? 0) * 7;
    expect(Array.from(screenSeries(y).subarray(0, 201))).toEqual(Array.from(before.subarray(0, 201)));
  });

  it('accepts a level shift that lasts: after about a week the new level is the reference', () => {
    const x = Float64Array.from(clean);
    for (let t = 300; t < x.length; t++) x[t] = (x[t] ?? 0) * 4;
    const code = screenSeries(x);
    const lastFlag = [...code.keys()].filter((t) => code[t] !== ANOMALY.clean).at(-1) ?? 0;
    expect(lastFlag).toBeGreaterThan(300);
    expect(lastFlag).toBeLessThan(300 + 168 + 24);
  });
});

describe('screening in the store', () => {
  it('masks flagged hours as targets, fills them as inputs with demand_anomaly, and counts them', () => {
    const bad = new Map([
      [FIRST_HOUR + 24 * 40 + 5, -100],
      [FIRST_HOUR + 24 * 50 + 12, 9e6],
    ]);
    const input = writeWorld(tmp.dir, 'raw', {
      edit: (r, route, series, hour) =>
        r === 'ERCO' && series === 'D' && route === 'region-data' ? bad.get(hour) : undefined,
    });
    const { store, summary } = buildFeatureStore({
      input,
      output: join(tmp.dir, 'store'),
      splits: SPLITS,
      window: WINDOW,
    });
    const erco = store.respondents.find((r) => r.code === 'ERCO');
    if (erco === undefined) throw new Error('no ERCO');
    const F = store.featureNames.length;
    const col = (name: string, t: number): number => erco.features[t * F + store.featureNames.indexOf(name)] ?? NaN;
    expect(store.featureNames.at(-1)).toBe('demand_anomaly');
    for (const hour of bad.keys()) {
      const t = hour - erco.firstPeriodMs / HOUR_MS;
      expect(erco.anomaly[t]).not.toBe(ANOMALY.clean);
      expect(erco.demand[t]).toBeNaN();
      expect([col('demand_anomaly', t), col('demand_observed', t), col('demand_filled', t)]).toEqual([1, 0, 1]);
      expect(Math.abs(col('demand', t))).toBeLessThan(5); // the fill, not the spike, in z units
    }
    expect(summary.anomalies['ERCO']?.demand).toMatchObject({ nonpositive: 1, spike: 1 });
    expect(store.metadata.respondents.find((r) => r.code === 'ERCO')?.anomalies?.demand.nonpositive).toBe(1);
  });
});

const SHARED = '/work/shared/data/eia930-5ba-2015-2019-d-df.csv.gz';
describe.skipIf(!existsSync(SHARED))('the shared EIA-930 file (skipped where it is absent)', () => {
  it('leaves no value in any series that is off its median by more than ×3 once screened', () => {
    for (const s of readRecordedFiles([SHARED]).series) {
      const first = s.hours[0] ?? 0;
      const x = new Float64Array((s.hours.at(-1) ?? 0) - first + 1).fill(NaN);
      s.hours.forEach((h, i) => {
        x[h - first] = Number(s.values[i]);
      });
      const trainEnd = Date.UTC(2017, 6, 1) / HOUR_MS - first; // the train split ends 2017-06-30
      const level = trainLevel(x, 0, trainEnd);
      const code = screenSeries(x, DEFAULT_SCREEN, level);
      const kept = [...x.keys()].filter((t) => !Number.isNaN(x[t]) && code[t] === ANOMALY.clean).map((t) => x[t] ?? 0);
      // What wrecks least squares (PACW: millions of MWh, −90,000, 1 MWh for hours) is gone:
      // every kept value lies within ×3 of the series' train median.
      const low = kept.filter((v) => v < level / 3).length;
      const high = kept.filter((v) => v > level * 3).length;
      expect({ series: `${s.respondent} ${s.series}`, low, high }).toEqual({
        series: `${s.respondent} ${s.series}`,
        low: 0,
        high: 0,
      });
    }
  });
});
