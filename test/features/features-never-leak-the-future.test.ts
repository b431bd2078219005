// Leakage: a change to any input at hour t changes no feature (raw or normalised) at an earlier
// hour, and changing validation/test data changes no normalisation statistic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  buildFeatureStore,
  buildGrids,
  computeFeatures,
  DEFAULT_GAPS,
  featureSpecs,
  readRawFolder,
  type FeatureStore,
  type RespondentGrid,
} from '../../src/features/index.ts';
import { expectSameBytes } from './support/bytes.ts';
import { noise, type SyntheticOptions } from './support/synthetic.ts';
import { FIRST_HOUR, SPLITS, tempDir, WINDOW, writeWorld } from './support/world.ts';
import { HOUR_MS } from '../../src/core/index.ts';

const tmp = tempDir('leak');
let grids: RespondentGrid[];

beforeAll(() => {
  grids = buildGrids(readRawFolder(writeWorld(tmp.dir, 'raw')));
});
afterAll(() => tmp.cleanup());

/** A copy of the grid whose chosen series has its value at row t replaced. */
function mutated(grid: RespondentGrid, t: number, which: string, value: number): RespondentGrid {
  const fuels = new Map([...grid.fuels].map(([k, v]) => [k, Float64Array.from(v)]));
  const demand = Float64Array.from(grid.demand);
  const forecast = grid.forecast === null ? null : Float64Array.from(grid.forecast);
  const series = which === 'D' ? demand : which === 'DF' ? forecast : fuels.get(which);
  if (series === undefined || series === null) throw new Error(`no series ${which}`);
  series[t] = value;
  return { ...grid, demand, forecast, fuels };
}

function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe('raw features at hour t use inputs up to t only', () => {
  const cases: [string, (old: number) => number][] = [
    ['D', (v) => v * 1.5 + 100],
    ['D', () => Number.NaN],
    ['DF', (v) => v * 0.5],
    ['SUN', (v) => v + 5000],
    ['WND', () => Number.NaN],
    ['NG', (v) => v * 3],
  ];
  for (const [which, change] of cases) {
    it(`changing ${which} at 40 random hours never changes an earlier row`, () => {
      const grid = grids[0];
      if (grid === undefined) throw new Error('no grid');
      const specs = featureSpecs([...grid.fuels.keys()].sort());
      const base = computeFeatures(grid, specs, DEFAULT_GAPS);
      for (let k = 0; k < 40; k++) {
        const t = 1 + Math.floor(noise(7, k, which.length, 3) * (grid.hours - 2));
        const source = which === 'D' ? grid.demand : which === 'DF' ? grid.forecast : grid.fuels.get(which);
        const next = computeFeatures(mutated(grid, t, which, change(source?.[t] ?? 0)), specs, DEFAULT_GAPS);
        let changedAtOrAfter = 0;
        specs.forEach((spec, f) => {
          const a = base.columns[f] ?? new Float64Array(0);
          const b = next.columns[f] ?? new Float64Array(0);
          for (let row = 0; row < t; row++) {
            if (!sameBits(a[row] ?? 0, b[row] ?? 0))
              throw new Error(`${spec.name}[${row}] changed after editing ${which} at row ${t}`);
          }
          for (let row = t; row < a.length; row++) if (!sameBits(a[row] ?? 0, b[row] ?? 0)) changedAtOrAfter++;
        });
        // The edit must be visible from hour t on, or this test could not catch anything.
        expect(changedAtOrAfter, `editing ${which} at row ${t} changed nothing`).toBeGreaterThan(0);
      }
    });
  }
});

describe('normalised store values and statistics', () => {
  const build = (name: string, edit?: SyntheticOptions['edit']): FeatureStore =>
    buildFeatureStore({
      input: writeWorld(tmp.dir, name, edit === undefined ? {} : { edit }),
      output: join(tmp.dir, `${name}-store`),
      splits: SPLITS,
      window: WINDOW,
    }).store;
  let base: FeatureStore;
  beforeAll(() => {
    base = build('base');
  });

  it('editing demand at a test-split hour leaves every earlier normalised value and all statistics unchanged', () => {
    const hour = FIRST_HOUR + 24 * 100 + 7; // 2023-04-11, inside the test split
    const edited = build('late-edit', (r, route, s, h, v) =>
      r === 'PACW' && route === 'region-data' && s === 'D' && h === hour ? v * 2 : undefined,
    );
    expect(edited.metadata.respondents.map((r) => r.normalisation)).toEqual(
      base.metadata.respondents.map((r) => r.normalisation),
    );
    const t = hour - FIRST_HOUR;
    const F = base.metadata.features.length;
    const [a, b] = [base.respondents[1], edited.respondents[1]];
    expect(a?.code).toBe('PACW');
    expectSameBytes(b?.features.subarray(0, t * F), a?.features.subarray(0, t * F), 'normalised features before t');
    expectSameBytes(b?.target.subarray(0, t), a?.target.subarray(0, t), 'normalised target before t');
    expect(b?.features[t * F + base.featureNames.indexOf('demand')]).not.toBe(
      a?.features[t * F + base.featureNames.indexOf('demand')],
    );
  });

  it('changing all validation and test data changes no normalisation statistic', () => {
    const trainEnd = Date.parse('2023-03-01T00:00:00Z') / HOUR_MS; // last hour-ending of train
    const edited = build('future-edit', (_r, _route, s, h, v) => {
      if (h <= trainEnd) return undefined;
      if (s === 'D' && h % 97 === 0) return 'drop';
      return v * 1.7 + 11;
    });
    expect(edited.metadata.respondents.map((r) => r.normalisation)).toEqual(
      base.metadata.respondents.map((r) => r.normalisation),
    );
    const firstTrain = [...edited.windows('train')][0];
    const baseTrain = [...base.windows('train')][0];
    expectSameBytes(firstTrain?.inputs, baseTrain?.inputs, 'first train window');
  });

  it('changing a train hour does change the statistics (they are fitted on train data)', () => {
    const hour = FIRST_HOUR + 24 * 30;
    const edited = build('train-edit', (r, route, s, h, v) =>
      r === 'ERCO' && route === 'region-data' && s === 'D' && h === hour ? v + 50_000 : undefined,
    );
    const before = base.metadata.respondents[0]?.normalisation['demand'];
    const after = edited.metadata.respondents[0]?.normalisation['demand'];
    expect(after?.mean).not.toBe(before?.mean);
  });
});
