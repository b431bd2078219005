// `bench extract --source caiso` killed with SIGKILL at five moments, then `--resume`d: the landed
// rows are identical (content hash) to an uninterrupted run's, with no duplicates or temp files.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHour, runCaisoExtract, startCaisoSimServer } from '../../../src/ingest/index.ts';

const bin = fileURLToPath(new URL('../../../bin/bench.mjs', import.meta.url));
const FLAGS = [
  '--source',
  'caiso',
  '--reports',
  'SLD_FCST:ACTUAL,SLD_FCST:DAM',
  '--start',
  '2024-01-01T01',
  '--end',
  '2025-01-01T00',
];

interface Child {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bench extract`; with `killAfterMs`, SIGKILLs it that long after its twin started. */
function extract(out: string, extra: string[], killAfterMs?: number): Promise<Child> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'extract', ...FLAGS, '--out', out, '--json', ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const before = stderr;
      stderr += d.toString();
      if (killAfterMs !== undefined && !before.includes('CAISO twin') && stderr.includes('CAISO twin'))
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('CAISO kill -9 then --resume', () => {
  let baseline: { contentSha256: string; rowsOnDisk: number };
  beforeAll(async () => {
    const sim = await startCaisoSimServer({ timeScale: 50 });
    try {
      const outDir = mkdtempSync(join(tmpdir(), 'wattring-caiso-base-'));
      const runs = [
        { report: 'SLD_FCST' as const, marketRun: 'ACTUAL' },
        { report: 'SLD_FCST' as const, marketRun: 'DAM' },
      ];
      baseline = await runCaisoExtract({
        source: 'caiso-sim',
        baseUrl: sim.url,
        outDir,
        resume: false,
        timeScale: 50,
        plan: { runs, startMs: parseHour('2024-01-01T01') ?? 0, endMs: parseHour('2025-01-01T00') ?? 0 },
      });
    } finally {
      await sim.close();
    }
  });

  it('lands rows identical to an uninterrupted run, five times', async () => {
    expect(baseline.rowsOnDisk).toBe(8784 * 12);
    // killed runs at time scale 15 (one request per 333 ms: 26 windows in ~9 s), resumes at 100
    const delays = [200, 900, 1800, 2800, 4000].map((d) => d + Math.floor(Math.random() * 200));
    let killedMidRun = 0;
    for (const delay of delays) {
      const out = mkdtempSync(join(tmpdir(), 'wattring-caiso-kill-'));
      const killed = await extract(out, ['--time-scale', '15'], delay);
      if (killed.signal === 'SIGKILL') killedMidRun++;
      const resumed = await extract(out, ['--resume', '--time-scale', '100']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const summary = JSON.parse(resumed.stdout) as { contentSha256: string; duplicates: number; rowsOnDisk: number };
      expect(summary.contentSha256, `killed after ${delay} ms`).toBe(baseline.contentSha256);
      expect(summary.duplicates).toBe(0);
      expect(summary.rowsOnDisk).toBe(baseline.rowsOnDisk);
      expect(readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      rmSync(out, { recursive: true, force: true });
    }
    expect(killedMidRun).toBe(delays.length);
  });
});
