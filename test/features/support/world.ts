// Test support: a small synthetic raw folder (two respondents, four months) in a temp dir,
// with splits and window shape that give a few dozen windows per split.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hourOf, writeSyntheticRaw, type SyntheticOptions } from './synthetic.ts';

export const SPLITS = '2023-01-01..2023-02-28,2023-03-01..2023-03-31,2023-04-01..2023-04-30';
export const WINDOW = { seqLen: 336, stride: 24, horizon: 24 } as const;
export const FIRST_HOUR = hourOf('2023-01-01T01');
export const LAST_HOUR = hourOf('2023-05-01T00');

/** A fresh temp folder; call cleanup() in afterEach/afterAll. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `wattring-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes the small world under dir/name and returns that folder. */
export function writeWorld(dir: string, name: string, overrides: Partial<SyntheticOptions> = {}): string {
  const out = join(dir, name);
  writeSyntheticRaw(out, {
    respondents: ['PACW', 'ERCO'],
    firstHour: FIRST_HOUR,
    lastHour: LAST_HOUR,
    windowDays: 10,
    ...overrides,
  });
  return out;
}
