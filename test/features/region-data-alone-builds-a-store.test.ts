// A user who extracts only region-data (no fuel-type-data), or only demand (no DF), still gets a
// store: net_load is demand itself, there are no share columns, and without DF the `df` column is
// masked (0) with `df_available` 0 everywhere; metadata says the store has no DF.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildFeatureStore } from '../../src/features/index.ts';
import { SPLITS, tempDir, WINDOW, writeWorld } from './support/world.ts';

const tmp = tempDir('region-only');
afterAll(() => tmp.cleanup());

function column(store: ReturnType<typeof buildFeatureStore>['store'], code: string, name: string): Float32Array {
  const r = store.respondents.find((x) => x.code === code);
  const F = store.featureNames.length;
  const f = store.featureNames.indexOf(name);
  if (r === undefined || f < 0) throw new Error(`no ${code}/${name}`);
  return Float32Array.from({ length: r.hours }, (_, t) => r.features[t * F + f] ?? Number.NaN);
}

describe('a store from region-data alone', () => {
  it('has net_load equal to demand and no fuel shares when no fuel-type-data was extracted', () => {
    const input = writeWorld(tmp.dir, 'raw-region', { fuels: [] });
    const { store, summary } = buildFeatureStore({
      input,
      output: join(tmp.dir, 'store-region'),
      splits: SPLITS,
      window: WINDOW,
    });
    expect(store.featureNames.some((n) => n.startsWith('share_'))).toBe(false);
    for (const code of summary.respondents) {
      const meta = store.metadata.respondents.find((r) => r.code === code);
      expect(meta?.normalisation['net_load']).toEqual(meta?.normalisation['demand']);
      const demand = column(store, code, 'demand');
      const net = column(store, code, 'net_load');
      expect(Array.from(net)).toEqual(Array.from(demand)); // same raw values, same statistics: identical bits
    }
    expect(store.metadata.df).toEqual({ present: true, respondentsWithout: [] });
    expect(summary.windows.train).toBeGreaterThan(0);
  });

  it('masks df and says the store has no DF when only demand (D) was extracted', () => {
    const input = writeWorld(tmp.dir, 'raw-d', { fuels: [], forecast: false });
    const { store, summary } = buildFeatureStore({
      input,
      output: join(tmp.dir, 'store-d'),
      splits: SPLITS,
      window: WINDOW,
    });
    for (const code of summary.respondents) {
      expect(column(store, code, 'df_available').every((v) => v === 0)).toBe(true);
      expect(column(store, code, 'df').every((v) => v === 0)).toBe(true);
      expect(store.metadata.respondents.find((r) => r.code === code)?.dfHours).toBe(0);
    }
    expect(store.metadata.df).toEqual({ present: false, respondentsWithout: ['ERCO', 'PACW'] });
    expect(summary.windows.train).toBeGreaterThan(0);
  });
});
