// A landed file deleted, truncated or edited after the run: `bench verify` names it and exits 1,
// `--resume` says so on stderr and fetches that window again, and afterwards the folder's content
// hash equals an undamaged run's and verify passes. Real runs against the simulated EIA server.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLandedFolder, parseHour, readManifest, type Manifest } from '../../src/ingest/index.ts';
import { extractOnSim, type SimExtract } from './support/extract-on-sim.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));
const PLAN = {
  routes: ['region-data' as const],
  respondents: ['PACW', 'ERCO'],
  series: { 'region-data': ['D'] },
  startMs: parseHour('2024-01-01T00') ?? 0,
  endMs: parseHour('2024-03-31T23') ?? 0,
  windowHours: 14 * 24,
};
// The same plan as bench extract flags (the embedded server uses seed 1, as extractOnSim does).
const FLAGS = [
  '--respondents',
  'PACW,ERCO',
  '--routes',
  'region-data',
  '--series',
  'D',
  '--start',
  '2024-01-01T00',
  '--end',
  '2024-03-31T23',
  '--window-days',
  '14',
  '--time-scale',
  '200',
];

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

type Damage = 'delete' | 'truncate' | 'edit';

/** Damages one landed file in place; returns its path relative to the folder. */
function damage(outDir: string, manifest: Manifest, index: number, how: Damage): string {
  const file =
    Object.values(manifest.windows)
      .map((w) => w.file)
      .sort()[index] ?? '';
  const path = join(outDir, file);
  if (how === 'delete') rmSync(path);
  if (how === 'truncate') truncateSync(path, 300);
  if (how === 'edit') {
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
  }
  return file;
}

describe('a damaged landed file', () => {
  let baseline: SimExtract;
  beforeAll(async () => {
    baseline = await extractOnSim(PLAN, { timeScale: 200 });
    expect(baseline.result.outcomes.filter((o) => o.kind === 'landed')).toHaveLength(7);
  });

  it(
    'is named by bench verify (exit 1), refetched by --resume (said on stderr and in --json), and verify passes ' +
      'after',
    async () => {
      const run = await extractOnSim(PLAN, { timeScale: 200 });
      const manifest = readManifest(run.outDir);
      if (!manifest) throw new Error('the run wrote no manifest');
      const damaged = {
        missing: damage(run.outDir, manifest, 0, 'delete'),
        truncated: damage(run.outDir, manifest, 3, 'truncate'),
        altered: damage(run.outDir, manifest, 6, 'edit'),
      };

      const before = await bench(['verify', '--out', run.outDir, '--json']);
      expect(before.code).toBe(1);
      const report: unknown = JSON.parse(before.stdout);
      expect(report).toMatchObject({ verdict: 'damaged', listed: 7, intact: 4 });
      for (const [problem, file] of Object.entries(damaged)) {
        expect(report).toMatchObject({ bad: expect.arrayContaining([expect.objectContaining({ file, problem })]) });
        expect(before.stderr).toContain(`${file} (window`);
      }
      expect(before.stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/);

      const resumed = await bench(['extract', ...FLAGS, '--out', run.outDir, '--resume', '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain(`landed file ${damaged.missing} (window`);
      expect(resumed.stderr).toMatch(/is missing; fetching the window again/);
      expect(resumed.stderr).toMatch(/is truncated: 300 of \d+ bytes; fetching the window again/);
      expect(resumed.stderr).toMatch(/was altered: sha256 .*; fetching the window again/);
      expect(resumed.stderr).toContain('refetched 3');
      expect(resumed.stderr).not.toMatch(/unexpected error|TypeError|ENOENT/);
      const summary: unknown = JSON.parse(resumed.stdout);
      expect(summary).toMatchObject({
        refetched: 3,
        windows: { landed: 3, skipped: 4, failed: 0 },
        contentSha256: baseline.result.contentSha256,
      });

      const after = await bench(['verify', '--out', run.outDir]);
      expect(after.code, after.stderr).toBe(0);
      expect(after.stderr).toContain('7 landed files, 7 intact');

      // A file the manifest does not list is named too (readers of the folder would take it in).
      copyFileSync(join(run.outDir, damaged.missing), join(run.outDir, 'region-data', 'stray.arrow'));
      const stray = await bench(['verify', '--out', run.outDir]);
      expect(stray.code).toBe(1);
      expect(stray.stderr).toContain('region-data/stray.arrow is not in the manifest');
    },
  );

  it.each<Damage>(['delete', 'truncate', 'edit'])(
    'after %s, --resume lands the same content as an undamaged run',
    async (how) => {
      const run = await extractOnSim(PLAN, { timeScale: 200 });
      const manifest = readManifest(run.outDir);
      if (!manifest) throw new Error('the run wrote no manifest');
      const file = damage(run.outDir, manifest, 2, how);
      expect(
        checkLandedFolder(run.outDir, manifest)
          .files.filter((f) => f.kind === 'bad')
          .map((f) => f.file),
      ).toEqual([file]);

      const resumed = await extractOnSim(PLAN, { timeScale: 200, outDir: run.outDir, resume: true });
      expect(resumed.result.refetched.map((d) => [d.file, d.problem.kind])).toEqual([
        [file, how === 'delete' ? 'missing' : how === 'truncate' ? 'truncated' : 'altered'],
      ]);
      expect(resumed.result.contentSha256).toBe(baseline.result.contentSha256);
      expect(resumed.result.rowsOnDisk).toBe(baseline.result.rowsOnDisk);
      expect(resumed.sim.requests).toBe(1);
      const healed = readManifest(run.outDir);
      if (!healed) throw new Error('the resume lost the manifest');
      const check = checkLandedFolder(run.outDir, healed);
      expect(check.files.filter((f) => f.kind === 'ok')).toHaveLength(7);
      expect(check.unlisted).toEqual([]);
    },
  );

  it('bench verify refuses a folder without a manifest (exit 2, naming --out)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wattring-verify-'));
    const r = await bench(['verify', '--out', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${empty}: no manifest.json there`);
  });
});
