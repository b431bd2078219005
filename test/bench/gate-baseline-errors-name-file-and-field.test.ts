// Bad gate baselines (missing file, invalid JSON, wrong schema, a field of the wrong type) get a
// clear error naming the file and the field, from the function and from the real `bench gate` CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readGateBaseline } from '../../src/bench/gate/baseline.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattring-gate-baseline-'));
const committed = fileURLToPath(new URL('../../bench/baselines/gate.json', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function committedWith(edit: (b: Record<string, unknown> & { metrics: Record<string, unknown>[] }) => void): string {
  const b = JSON.parse(readFileSync(committed, 'utf8'));
  edit(b);
  return JSON.stringify(b);
}

describe('gate baselines', () => {
  it('reads the committed baseline', () => {
    const b = readGateBaseline(committed);
    expect(b.runs).toBeGreaterThanOrEqual(5);
    expect(b.metrics.length).toBeGreaterThan(50);
  });

  it.each([
    [
      'a missing file',
      () => join(dir, 'absent.json'),
      /absent\.json: baseline file not found; create it with bench gate --write-baseline/,
      'GATE_BASELINE_MISSING',
    ],
    ['invalid JSON', () => file('bad.json', '{"schema": '), /bad\.json: not valid JSON/, 'GATE_BASELINE_JSON'],
    [
      'a wrong schema',
      () =>
        file(
          'schema.json',
          committedWith((b) => (b.schema = 'wattring.bench.kernels.baseline/1')),
        ),
      /schema\.json: field schema: .*wattring\.bench\.gate\.baseline\/1/,
      'GATE_BASELINE_SCHEMA',
    ],
    [
      'a field of the wrong type',
      () =>
        file(
          'type.json',
          committedWith((b) => {
            const m = b.metrics[3];
            if (m) m.value = 'fast';
          }),
        ),
      /type\.json: field metrics\[3\]\.value: .*number/,
      'GATE_BASELINE_SCHEMA',
    ],
    [
      'a threshold missing',
      () =>
        file(
          'thr.json',
          committedWith((b) => {
            const m = b.metrics[0];
            if (m) delete m.threshold;
          }),
        ),
      /thr\.json: field metrics\[0\]\.threshold/,
      'GATE_BASELINE_SCHEMA',
    ],
  ])('%s is refused naming the file and the field', (_what, make, message, code) => {
    const path = make();
    expect(() => readGateBaseline(path)).toThrow(message);
    try {
      readGateBaseline(path);
    } catch (error) {
      expect(error).toMatchObject({ code, exitCode: 2 });
    }
  });

  it('bench gate exits 2 with the message before opening any adapter', () => {
    const bad = file(
      'cli.json',
      committedWith((b) => {
        const m = b.metrics[1];
        if (m) m.better = 'faster';
      }),
    );
    const r = spawnSync(process.execPath, [bin, 'gate', '--baseline', bad], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cli\.json: field metrics\[1\]\.better: .*\[GATE_BASELINE_SCHEMA\]/);
  }, 60_000);
});
