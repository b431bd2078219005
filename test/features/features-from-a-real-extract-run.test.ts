// Across stages: `bench extract` against the simulated EIA server lands raw files; the feature
// store built from them masks exactly the demand hours the simulator says are missing and keeps
// every reported value at its clock hour.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildFeatureStore, type FeatureStore } from '../../src/features/index.ts';
import { simulatedMissing, simulatedRows } from '../../src/ingest/index.ts';
import { tempDir } from './support/world.ts';
import { HOUR_MS } from '../../src/core/index.ts';

const tmp = tempDir('extract');
afterAll(() => tmp.cleanup());
const START = '2023-01-01T00';
const END = '2023-04-30T23';
const RESPONDENTS = ['ERCO', 'PACW'];
let store: FeatureStore;

beforeAll(() => {
  const raw = join(tmp.dir, 'raw');
  const run = spawnSync(
    process.execPath,
    [
      'bin/bench.mjs',
      'extract',
      '--respondents',
      RESPONDENTS.join(','),
      '--start',
      START,
      '--end',
      END,
      '--time-scale',
      '200',
      '--out',
      raw,
      '--json',
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`bench extract failed (${run.status}): ${run.stderr}`);
  store = buildFeatureStore({
    input: raw,
    output: join(tmp.dir, 'store'),
    splits: '2023-01-01..2023-02-28,2023-03-01..2023-03-31,2023-04-01..2023-04-29',
    window: { seqLen: 336 },
  }).store;
});

const hourOf = (period: string): number => Date.parse(`${period}:00:00Z`) / HOUR_MS;

describe('features from extract output', () => {
  it('mask exactly the demand hours the simulator reports null or absent, and those screening flagged', () => {
    const missing = simulatedMissing(1, 'region-data', RESPONDENTS, ['D'], START, END);
    for (const r of store.respondents) {
      const first = r.firstPeriodMs / HOUR_MS;
      const expected = new Set(
        [...missing.nulls, ...missing.absent]
          .filter((k) => k.respondent === r.code)
          .map((k) => hourOf(k.period) - first)
          .filter((t) => t >= 0 && t < r.hours),
      );
      const flagged = [...r.anomaly.keys()].filter((t) => r.anomaly[t] !== 0);
      for (const t of flagged) expected.add(t);
      const masked = new Set<number>();
      r.demand.forEach((v, t) => {
        if (Number.isNaN(v)) masked.add(t);
      });
      expect([...masked].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
      expect(expected.size).toBeGreaterThan(0);
      // The simulator's data is clean: screening flags next to nothing.
      expect(flagged.length).toBeLessThan(r.hours / 500);
    }
  });

  it('keep every reported demand value at its own clock hour', () => {
    const rows = simulatedRows(1, 'region-data', RESPONDENTS, ['D'], START, END);
    let checked = 0;
    for (const row of rows) {
      if (row.value === null) continue;
      const r = store.respondents.find((x) => x.code === row.respondent);
      const t = hourOf(row.period) - (r?.firstPeriodMs ?? 0) / HOUR_MS;
      if (r?.anomaly[t] !== 0) continue; // flagged by screening: masked, checked above
      expect(r?.demand[t]).toBe(Math.fround(row.value)); // float32 column: exactly the rounded value
      checked++;
    }
    expect(checked).toBeGreaterThan(2 * 2800);
  });

  it('have windows in every split and the fuel mix of both respondents', () => {
    for (const split of ['train', 'validation', 'test'] as const) expect(store.windowCount(split)).toBeGreaterThan(0);
    expect(store.featureNames.filter((n) => n.startsWith('share_')).length).toBeGreaterThan(3);
  });
});
