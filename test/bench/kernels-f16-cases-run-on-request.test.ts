// `bench kernels` runs its f16-storage cases only when `--features f16` was asked for and the
// device got it; otherwise it lists them as skipped and fails nothing. A bad --features value
// exits 2 naming the flag before any device opens.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeGpu } from '../support/gpu.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));
// The smallest matmul case in both storages; one timed run each.
const ARGS = ['kernels', '--filter', '127x129x31', '--repeat', '1', '--warmup', '0', '--min-seconds', '0', '--json'];

function bench(args: readonly string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, XDG_RUNTIME_DIR: process.env['XDG_RUNTIME_DIR'] ?? '/tmp' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  readonly features?: { readonly requested: string[]; readonly granted: string[] };
  readonly skipped?: readonly { kernel: string; shape: string; reason: string }[];
  readonly results: readonly { kernel: string; shape: string; kind: string; withinTolerance?: boolean }[];
}

function parse(stdout: string): Report {
  const report: Report = JSON.parse(stdout);
  expect(Array.isArray(report.results), 'a kernels report on stdout').toBe(true);
  return report;
}

describe('bench kernels --features', () => {
  it('exits 2 naming the flag and the bad value', () => {
    const r = bench(['kernels', '--features', 'f16,fp8']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--features 'f16,fp8': 'fp8' is not a feature/);
  });
});

describeGpu('bench kernels f16 cases', () => {
  it('skips them without --features, naming the flag', { timeout: 300_000 }, () => {
    const r = bench(ARGS);
    expect(r.status, r.stderr).toBe(0);
    const report = parse(r.stdout);
    expect(report.features).toBeUndefined();
    expect(report.skipped).toEqual([{ kernel: 'matmul-f16', shape: '127x129x31', reason: 'needs --features f16' }]);
    expect(report.results.map((x) => x.kernel)).toEqual(['matmul']);
    expect(r.stderr).toContain('skipped: matmul-f16 127x129x31: needs --features f16');
  });

  it('runs them with --features f16 where the device has shader-f16, within tolerance', { timeout: 300_000 }, () => {
    const r = bench([...ARGS, '--features', 'f16']);
    expect(r.status, r.stderr).toBe(0);
    const report = parse(r.stdout);
    expect(report.features?.requested).toEqual(['f16']);
    expect(r.stderr).toMatch(/features: asked f16 \(Dawn toggles vulkan_enable_f16_on_nvidia\); got /);
    if (!report.features?.granted.includes('f16')) {
      expect(report.skipped?.[0]?.reason).toBe("the adapter lacks 'f16'");
      return;
    }
    const f16 = report.results.find((x) => x.kernel === 'matmul-f16');
    expect(f16).toMatchObject({ shape: '127x129x31', kind: 'measured', withinTolerance: true });
  });
});
