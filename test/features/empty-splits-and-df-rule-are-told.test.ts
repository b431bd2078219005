// A store nobody can use is not written silently: no train window at the chosen --seq-len is an
// error naming the longest seq-len that works (nothing written); an empty validation/test split, a
// store without DF and a DF rule the 00 UTC issue cannot meet are warnings; the rule is in metadata.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFeatureStore, parseSplits, planWindows, type StoreMetadata } from '../../src/features/index.ts';
import { FIRST_HOUR, SPLITS, tempDir, WINDOW, writeWorld } from './support/world.ts';

const tmp = tempDir('told');
afterAll(() => tmp.cleanup());
let input: string;
beforeAll(() => {
  input = writeWorld(tmp.dir, 'raw');
});

describe('a split without windows', () => {
  it('in train is an error naming the longest --seq-len that leaves one, and nothing is written', () => {
    const out = join(tmp.dir, 'none');
    expect(() =>
      buildFeatureStore({ input, output: out, splits: SPLITS, window: { ...WINDOW, seqLen: 2000 } }),
    ).toThrow(
      expect.objectContaining({
        code: 'FEATURES_NO_TRAIN_WINDOWS',
        exitCode: 2,
        message: expect.stringMatching(/--seq-len 2000: the train split \(2023-01-01\.\.2023-02-28\).*is 1224/),
      }),
    );
    expect(existsSync(out)).toBe(false);
    // 1224 is the longest indeed: one train window there, none at 1225 (PACW has no gap in this world).
    const splits = parseSplits(SPLITS);
    const noGap = new Uint8Array(24 * 120);
    expect(planWindows(FIRST_HOUR, noGap, splits, { ...WINDOW, seqLen: 1224 }).train.length).toBe(1);
    expect(planWindows(FIRST_HOUR, noGap, splits, { ...WINDOW, seqLen: 1225 }).train.length).toBe(0);
  });

  it('in test is a warning that says no --seq-len helps when the data ends before the split', () => {
    const { summary } = buildFeatureStore({
      input,
      output: join(tmp.dir, 'late'),
      splits: '2023-01-01..2023-03-31,2023-04-01..2023-04-30,2023-06-01..2023-06-30',
      window: WINDOW,
    });
    expect(summary.windows.test).toBe(0);
    expect(summary.warnings).toEqual([
      expect.stringMatching(/the test split \(2023-06-01\.\.2023-06-30\) holds no window; no --seq-len leaves one/),
    ]);
  });

  it('bench features --seq-len 9999 exits 2 with that message and writes nothing', () => {
    const out = join(tmp.dir, 'cli');
    const run = spawnSync(
      process.execPath,
      ['bin/bench.mjs', 'features', '--in', input, '--out', out, '--split', SPLITS, '--seq-len', '9999'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--seq-len 9999: the train split');
    expect(run.stderr).toContain('the longest --seq-len that leaves one is 1224');
    expect(existsSync(out)).toBe(false);
  });
});

describe('the DF publication rule', () => {
  it('is written to metadata (default 14 h before the local day) with no warning when 00 UTC sees all DF', () => {
    const out = join(tmp.dir, 'df14');
    const { summary } = buildFeatureStore({ input, output: out, splits: SPLITS, window: WINDOW });
    const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')) as StoreMetadata;
    expect(meta.dfPublication).toEqual({ rule: 'local-day-ahead', hoursBeforeLocalDay: 14 });
    expect(summary.warnings).toEqual([]);
  });

  it('warns, naming each respondent, when the 00 UTC issue cannot see DF of its whole day', () => {
    const out = join(tmp.dir, 'df-2');
    const { summary, store } = buildFeatureStore({
      input,
      output: out,
      splits: SPLITS,
      window: WINDOW,
      dfPublication: { rule: 'local-day-ahead', hoursBeforeLocalDay: -2 },
    });
    expect(store.metadata.dfPublication).toEqual({ rule: 'local-day-ahead', hoursBeforeLocalDay: -2 });
    expect(summary.warnings).toEqual([
      expect.stringMatching(/^--df-lead-hours -2: for ERCO \(UTC-6\) a forecast issued at 00 UTC cannot see DF/),
      expect.stringMatching(/^--df-lead-hours -2: for PACW \(UTC-8\) a forecast issued at 00 UTC cannot see DF/),
    ]);
  });

  it('refuses a rule no hour could meet, naming --df-lead-hours', () => {
    expect(() =>
      buildFeatureStore({
        input,
        output: join(tmp.dir, 'df-bad'),
        splits: SPLITS,
        window: WINDOW,
        dfPublication: { rule: 'local-day-ahead', hoursBeforeLocalDay: 500 },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'FEATURES_DF_PUBLICATION',
        message: expect.stringContaining('--df-lead-hours 500'),
      }),
    );
  });
});
