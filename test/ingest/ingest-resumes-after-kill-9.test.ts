// `bench extract` killed with SIGKILL at different moments, then `--resume`d: the landed rows are
// identical (content hash) to an uninterrupted run's, with no duplicates and no temp files left.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHour, readManifest } from '../../src/ingest/index.ts';
import { extractOnSim } from './support/extract-on-sim.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));
const FLAGS = [
  '--respondents',
  'PACW,ERCO',
  '--routes',
  'region-data,fuel-type-data',
  '--series',
  'D,NG',
  '--start',
  '2023-07-01T00',
  '--end',
  '2024-06-30T23',
];

interface Child {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `bench extract`; with `killAfterMs`, sends `signal` that long after stderr first matches
 * `from` (by default: its simulated server started).
 */
function extract(
  out: string,
  extra: string[],
  killAfterMs?: number,
  signal: NodeJS.Signals = 'SIGKILL',
  from = /simulated EIA server/,
): Promise<Child> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'extract', ...FLAGS, '--out', out, '--json', ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr] = ['', ''];
    let armed = killAfterMs !== undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (armed && from.test(stderr)) {
        armed = false;
        setTimeout(() => child.kill(signal), killAfterMs);
      }
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));
}

describe('kill -9 then --resume', () => {
  let baseline: Awaited<ReturnType<typeof extractOnSim>>;
  beforeAll(async () => {
    baseline = await extractOnSim(
      {
        routes: ['region-data', 'fuel-type-data'],
        respondents: ['PACW', 'ERCO'],
        series: { 'region-data': ['D', 'NG'], 'fuel-type-data': [] },
        startMs: parseHour('2023-07-01T00') ?? 0,
        endMs: parseHour('2024-06-30T23') ?? 0,
      },
      { timeScale: 50 },
    );
  });

  it('lands rows identical to an uninterrupted run, five times', async () => {
    expect(baseline.result.rowsOnDisk).toBeGreaterThan(100_000);
    // killed runs go at time scale 15 (~1.5 s of requests), resumes at 200 to keep the test short
    // kill moments spread over the run, plus jitter
    const delays = [30, 300, 600, 900, 1200].map((d) => d + Math.floor(Math.random() * 150));
    let killedMidRun = 0;
    for (const delay of delays) {
      const out = mkdtempSync(join(tmpdir(), 'wattring-kill-'));
      const killed = await extract(out, ['--time-scale', '15'], delay);
      if (killed.signal === 'SIGKILL') killedMidRun++;
      const resumed = await extract(out, ['--resume', '--time-scale', '200']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const summary = JSON.parse(resumed.stdout) as {
        contentSha256: string;
        duplicates: number;
        rowsOnDisk: number;
        windows: { skipped: number };
      };
      expect(summary.contentSha256, `killed after ${delay} ms`).toBe(baseline.result.contentSha256);
      expect(summary.duplicates).toBe(0);
      expect(summary.rowsOnDisk).toBe(baseline.result.rowsOnDisk);
      expect(tempFiles(out)).toEqual([]);
      rmSync(out, { recursive: true, force: true });
    }
    expect(killedMidRun).toBe(delays.length);
  });

  it('SIGINT finishes in-flight windows, exits 130 with a valid manifest, and --resume completes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wattring-sigint-'));
    // SIGINT right after the first window lands (its progress line), with at most 2 requests in
    // flight: then at most 4 fetching and 16 landing windows finish after it, of 30, so some but not
    // all land however loaded the machine is (a fixed 400 ms delay found none landed under load)
    const stopped = await extract(
      out,
      ['--time-scale', '15', '--max-in-flight', '2'],
      0,
      'SIGINT',
      /extract: [1-9]\d*\/\d+ windows/,
    );
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('SIGINT');
    const landed = Object.keys(readManifest(out)?.windows ?? {}).length;
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(baseline.result.plan.windows.length);
    expect(tempFiles(out)).toEqual([]);
    const resumed = await extract(out, ['--resume', '--time-scale', '200']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { contentSha256: string }).contentSha256).toBe(baseline.result.contentSha256);
  });
});
