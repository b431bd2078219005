// An EIA-only input must give the same store, byte for byte, as before CAISO was wired into the
// features stage: the train stage and its checkpoints depend on the feature list and file bytes.
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFeatureStore } from '../../src/features/index.ts';
import { tempDir, SPLITS, WINDOW, writeWorld } from './support/world.ts';

const tmp = tempDir('eia-only');
afterAll(() => tmp.cleanup());

/**
 * sha256 over every store file in name order; metadata.json with its two run-dependent fields
 * (createdAt, the temp input folder) set to fixed strings, everything else as written.
 */
function storeHash(dir: string): string {
  const hash = createHash('sha256');
  for (const name of [
    'metadata.json',
    ...readdirSync(join(dir, 'respondents'))
      .sort()
      .map((f) => `respondents/${f}`),
  ]) {
    let bytes: Buffer | string = readFileSync(join(dir, name));
    if (name === 'metadata.json') {
      const text = bytes.toString('utf8');
      bytes = text
        .replace(/"createdAt": ?"[^"]*"/, '"createdAt":"X"')
        .split(JSON.stringify(join(tmp.dir, 'raw')).slice(1, -1))
        .join('RAW');
    }
    hash.update(name).update('\0').update(bytes).update('\0');
  }
  return hash.digest('hex');
}

// Computed with the features stage of main at f8e8e30 (before CAISO input), on this same world;
// recomputed each time the EIA-only store changed on purpose (the change named here):
// metadata gained `df` and per-respondent `dfHours`; screening added the `anomaly` column, the
// `demand_anomaly` feature and `anomalies` counts; metadata records `dfPublication` (issue 24).
const TODAYS_HASH = '712baf5ff55eb97801d9959b49590ecc3a43561f449b92624ae84439c570e7c4';

describe('an EIA-only input', () => {
  it('builds a store whose files hash exactly as before CAISO support', () => {
    const input = writeWorld(tmp.dir, 'raw', { nullRate: 0.01 });
    const out = join(tmp.dir, 'store');
    buildFeatureStore({ input, output: out, splits: SPLITS, window: WINDOW });
    expect(storeHash(out)).toBe(TODAYS_HASH);
  });
});
