// `bench features` end to end through the real CLI: --help, --json on stdout with the figures,
// progress on stderr, and exit status 2 with a named error for a bad --split.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { SPLITS, tempDir, writeWorld } from './support/world.ts';

const tmp = tempDir('cli');
afterAll(() => tmp.cleanup());
let input: string;
beforeAll(() => {
  input = writeWorld(tmp.dir, 'raw');
});

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/bench.mjs', 'features', ...args], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bench features', () => {
  it('--help lists every flag', () => {
    const r = bench('--help');
    expect(r.code).toBe(0);
    for (const flag of [
      '--in',
      '--out',
      '--split',
      '--seq-len',
      '--stride',
      '--horizon',
      '--short-gap-hours',
      '--fill',
      '--json',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('--json prints features, rows, windows per split, time and rows/s; progress goes to stderr', () => {
    const out = join(tmp.dir, 'store');
    const r = bench('--in', input, '--out', out, '--seq-len', '336', '--stride', '24', '--split', SPLITS, '--json');
    expect(r.code, r.stderr).toBe(0);
    const json: unknown = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      features: expect.any(Number),
      rawRows: expect.any(Number),
      rows: 2 * 2880,
      windows: { train: expect.any(Number), validation: 2 * 31, test: 2 * 30 },
      seconds: { total: expect.any(Number) },
      rowsPerSecond: expect.any(Number),
      iterate: { copiedWindows: 0, arrayBufferBytesAllocated: expect.any(Number) },
    });
    // No window copied: ArrayBuffer bytes grow by less than one window (336 h × features × 4 B) over the pass.
    const { iterate, features } = z
      .object({ iterate: z.object({ arrayBufferBytesAllocated: z.number() }), features: z.number() })
      .parse(json);
    expect(iterate.arrayBufferBytesAllocated).toBeLessThan(336 * features * 4);
    expect(r.stderr).toMatch(/features: read \d+\/\d+ raw files/);
    expect(r.stderr).toMatch(/features: wrote /);
  });

  it('exits 2 with the flag and the fix named when splits overlap', () => {
    const r = bench(
      '--in',
      input,
      '--out',
      join(tmp.dir, 'x'),
      '--split',
      '2023-01-01..2023-02-28,2023-02-01..2023-03-31,2023-04-01..2023-04-30',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /bench: --split: validation \(2023-02-01\.\.2023-03-31\) overlaps train .* \[FEATURES_SPLIT_OVERLAP\]/,
    );
    expect(r.stdout).toBe('');
  });
});
