// Bad `bench extract` input gets a clear error naming the flag, a non-zero exit, and nothing
// written; a refused key exits 4 without the key anywhere in the output.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { resolveConfig, type ExtractFlags } from '../../src/bench/extract/config.ts';
import { EXTRACT_FLAGS, extractOptions, flagsFrom } from '../../src/bench/extract/flags.ts';
import { runConfigured } from '../../src/bench/extract/run.ts';
import { startEiaSimServer } from '../../src/ingest/index.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wattring-badinput-'));
const flags = (over: Partial<ExtractFlags>): ExtractFlags => ({
  source: 'eia',
  rate: '5000/h',
  burst: 5,
  out: join(dir, 'out'),
  resume: false,
  timeScale: 1,
  timeout: 60,
  seed: 1,
  latencyMs: 1000,
  lease: 30,
  status: false,
  respondents: 'PACW',
  routes: 'region-data',
  start: '2024-01-01T00',
  end: '2024-01-02T23',
  ...over,
});

function bench(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench extract input checks', () => {
  const notAFolder = join(dir, 'file');
  writeFileSync(notAFolder, 'x');

  it.each([
    ['--respondents', { respondents: 'PACW,SPP' }, /SPP is not an EIA-930 respondent/],
    ['--start', { start: '2024-02-01T00', end: '2024-01-01T00' }, /after --end/],
    ['--start', { start: '2024-02-30T00' }, /not a UTC hour/],
    ['--end', { end: '2024-01-31' }, /YYYY-MM-DDTHH/],
    ['--routes', { routes: 'region-data,wholesale-prices' }, /unknown route "wholesale-prices"/],
    ['--rate', { rate: 'fast' }, /5000\/h/],
    ['--rate', { rate: '0' }, /positive budget/],
    ['--out', { out: join(notAFolder, 'sub') }, /cannot be written/],
    ['--series', { series: 'D,XX' }, /unknown region-data series XX/],
    ['--faults', { baseUrl: 'http://127.0.0.1:9/v2/', faults: '5xx=0.1' }, /simulated server/],
  ])('%s: %o is refused', (flag, over, message) => {
    let error: unknown;
    try {
      resolveConfig(flags(over), {});
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: expect.stringMatching(/EXTRACT_BAD_FLAG|BAD_RATE|BAD_FAULTS/), exitCode: 2 });
    expect(String(error)).toContain(flag);
    expect(String(error)).toMatch(message);
  });

  it('exits 2 from the CLI, naming the flag, and writes nothing', async () => {
    const out = join(dir, 'never');
    const r = await bench(['extract', '--start', '2024-03-01T00', '--end', '2024-01-01T00', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--start');
    expect(existsSync(out)).toBe(false);
  });

  it('reads every flag of the one table, camel-cased, with its default', () => {
    const parsed = extractOptions(yargs(['--time-scale', '20', '--max-in-flight', '3'])).parseSync();
    const read = flagsFrom(parsed);
    expect(Object.keys(read).sort()).toEqual(
      Object.keys(EXTRACT_FLAGS)
        .map((k) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()))
        .sort(),
    );
    expect(read).toMatchObject({
      timeScale: 20,
      maxInFlight: 3,
      latencyMs: 1000,
      rate: undefined,
      resume: false,
      baseUrl: undefined,
    });
    // --rate and --burst default by source (EIA 5000/h and 5; CAISO 720/h and 1), so they stay unset here.
    expect(resolveConfig(flags({ rate: undefined, burst: undefined }), {})).toMatchObject({
      ratePerHour: 5000,
      burstPerSecond: 5,
    });
  });

  it('exits 2 naming a flag given twice, and writes nothing', async () => {
    const out = join(dir, 'twice');
    const r = await bench(['extract', '--preset', 'q1-2024', '--out', out, '--out', join(dir, 'twice-b')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out was given 2 times');
    expect(existsSync(out)).toBe(false);
  });

  it('reports a respondent with an empty result as a failure and lands nothing', async () => {
    const sim = await startEiaSimServer({ timeScale: 200, validKeys: ['k'] });
    try {
      // AVA is a real EIA-930 code the simulated server does not serve: the API answers 0 rows
      const config = resolveConfig(flags({ baseUrl: sim.url, apiKey: 'k', respondents: 'AVA', timeScale: 200 }), {});
      const r = await runConfigured(config);
      expect(r.exitCode).toBe(1);
      expect(r.summary.windows.landed).toBe(0);
      expect(r.summary.emptyWindows.length).toBeGreaterThan(0);
      expect(r.summary.coverage.emptyRespondents).toEqual(['AVA']);
      expect(r.problems.join('\n')).toMatch(/empty result/);
      expect(existsSync(config.outDir)).toBe(false);
    } finally {
      await sim.close();
    }
  });

  it('exits 4 on a refused key and never prints the key', async () => {
    const sim = await startEiaSimServer({ timeScale: 100, validKeys: ['the-right-key'] });
    const secret = 'wrong-key-7c1d93aa55';
    try {
      const r = await bench(
        [
          'extract',
          '--base-url',
          sim.url,
          '--respondents',
          'PACW',
          '--routes',
          'region-data',
          '--start',
          '2024-01-01T00',
          '--end',
          '2024-01-01T23',
          '--out',
          join(dir, 'k'),
          '--time-scale',
          '100',
          '--json',
        ],
        { EIA_API_KEY: secret },
      );
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('EIA_API_KEY_INVALID');
      expect(r.stdout + r.stderr).not.toContain(secret);
    } finally {
      await sim.close();
    }
  });
});
