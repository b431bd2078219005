// Bad `bench extract --source caiso` input gets a clear error naming the flag, exit 2 and nothing
// written: unknown reports or market runs, start after end, malformed hours, an unwritable --out.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveCaisoConfig } from '../../../src/bench/extract/caiso-config.ts';
import type { ExtractFlags } from '../../../src/bench/extract/flags.ts';

const bin = fileURLToPath(new URL('../../../bin/bench.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wattring-caiso-badinput-'));
const notAFolder = join(dir, 'file');
writeFileSync(notAFolder, 'x');
const flags = (over: Partial<ExtractFlags>): ExtractFlags => ({
  source: 'caiso',
  out: join(dir, 'out'),
  resume: false,
  timeScale: 1,
  timeout: 60,
  seed: 1,
  latencyMs: 1000,
  lease: 30,
  status: false,
  reports: 'SLD_FCST:DAM',
  start: '2024-01-01T01',
  end: '2024-01-31T00',
  ...over,
});

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args]);
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench extract --source caiso input checks', () => {
  it.each([
    ['--reports', { reports: 'SLD_FCST:DAM,LMP_PRC:DAM' }, /unknown CAISO report "LMP_PRC"/],
    [
      '--reports',
      { reports: 'SLD_REN_FCST:RTM' },
      /needs one market run of SLD_REN_FCST: write SLD_REN_FCST:ACTUAL, SLD_REN_FCST:DAM/,
    ],
    ['--reports', { reports: 'SLD_FCST' }, /needs one market run/],
    ['--start', { start: '2024-02-01T00', end: '2024-01-01T00' }, /after --end/],
    ['--start', { start: '20240101T00:00-0000' }, /not a UTC hour; write YYYY-MM-DDTHH/],
    ['--end', { end: '2024-01-31' }, /YYYY-MM-DDTHH/],
    ['--out', { out: join(notAFolder, 'sub') }, /cannot be written/],
    ['--window-days', { windowDays: 40 }, /at most 31 days/],
    ['--respondents', { respondents: 'CISO' }, /only applies to --source eia/],
    ['--rate', { baseUrl: 'https://oasis.caiso.com/oasisapi', rate: '2/s' }, /one request per 5 s/],
    ['--time-scale', { baseUrl: 'https://oasis.caiso.com/oasisapi', timeScale: 10 }, /not oasis.caiso.com/],
    ['--faults', { baseUrl: 'http://127.0.0.1:9/oasisapi', faults: '5xx=0.1' }, /embedded simulated twin/],
  ])('%s: %j is refused', (flag, over, message) => {
    expect(() => resolveCaisoConfig(flags(over))).toThrow(
      expect.objectContaining({
        code: 'EXTRACT_BAD_FLAG',
        message: expect.stringMatching(new RegExp(`^${flag}: .*${message.source}`)),
      }),
    );
  });

  it('the CLI exits 2 naming the flag and writes nothing', async () => {
    const out = join(dir, 'never');
    for (const args of [
      ['--reports', 'SLD_FCST:HASP'],
      ['--start', '2024-03-01T00', '--end', '2024-02-01T00'],
      ['--start', '2024-13-01T00'],
    ]) {
      const r = await bench([
        'extract',
        '--source',
        'caiso',
        '--start',
        '2024-01-01T01',
        '--end',
        '2024-01-02T00',
        '--out',
        out,
        ...args,
      ]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(args[0] ?? ''));
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    }
  });

  it('--reports is refused for EIA', async () => {
    const r = await bench([
      'extract',
      '--reports',
      'SLD_FCST:DAM',
      '--start',
      '2024-01-01T01',
      '--end',
      '2024-01-02T00',
      '--out',
      join(dir, 'eia'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reports: only applies to --source caiso');
  });
});
