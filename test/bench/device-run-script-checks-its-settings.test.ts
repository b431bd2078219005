// bench/device-run.sh (the one command for a device loan) parses as bash and refuses bad settings
// with exit 64, naming the variable, before it writes or starts anything. Its full run is proven
// by hand (docs/kernels.md, "Running on a lent GPU"): it takes minutes on a CPU adapter.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../bench/device-run.sh', import.meta.url));

function run(env: Readonly<Record<string, string>>) {
  const out = mkdtempSync(join(tmpdir(), 'device-run-test-'));
  const r = spawnSync('bash', [script], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env, OUT: join(out, 'out') },
  });
  const wrote = existsSync(join(out, 'out'));
  rmSync(out, { recursive: true, force: true });
  return { status: r.status, stderr: r.stderr, wrote };
}

describe('bench/device-run.sh', () => {
  it('parses as bash', () => {
    const r = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it.each([
    [{ SMOKE: 'yes' }, /SMOKE 'yes' is not 0 or 1/],
    [{ STEPS: '0' }, /STEPS '0' is not a positive integer/],
    [{ BUDGET: '8m' }, /BUDGET '8m' is not a positive integer/],
  ])('refuses %o with exit 64 before writing anything', (env, message) => {
    const r = run(env);
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(message);
    expect(r.wrote).toBe(false);
  });
});
