// `bench kernels` reports median, spread, throughput and the ratio to the best matmul, and its
// baseline gate fails on a ratio regression beyond the threshold, not on a slower machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { baselineFrom, compareWithBaseline, readBaseline } from '../../src/bench/kernels/baseline.ts';
import {
  calibrationOf,
  toResult,
  UNITS,
  withRemeasured,
  type KernelReport,
  type NamedOutcome,
} from '../../src/bench/kernels/report.ts';
import { describeGpu } from '../support/gpu.ts';

function measured(kernel: string, shape: string, flops: number, bytes: number, seconds: number[]): NamedOutcome {
  return {
    kernel,
    shape,
    quick: true,
    outcome: {
      kind: 'measured',
      flops,
      bytes,
      allocatedBytes: 1024,
      timings: { method: 'wall', seconds, cpuSecondsPerRun: 0 },
      maxAbsError: 1e-6,
      withinTolerance: true,
    },
  };
}

function report(outcomes: NamedOutcome[]): KernelReport {
  const calibration = calibrationOf(outcomes);
  return {
    schema: 'wattring.bench.kernels/1',
    createdAt: '2026-11-25T00:00:00.000Z',
    adapter: {
      vendor: 'v',
      architecture: 'a',
      device: 'd',
      description: 'test adapter',
      features: [],
      limits: {},
      subgroupSizes: [],
      backend: 'vulkan',
    },
    calibration,
    units: UNITS,
    results: outcomes.map((o) => toResult(o, calibration)),
  };
}

describe('kernel report', () => {
  it('never calibrates on a matmul that ran below the clock resolution (0 s)', () => {
    const r = report([measured('matmul', 'tiny', 1e6, 0, [0, 0, 0]), measured('matmul', 'large', 8e9, 0, [2, 2, 2])]);
    expect(r.calibration).toEqual({ kernel: 'matmul', shape: 'large', gflops: 4, gflopsBest: 4 });
    expect(calibrationOf([measured('matmul', 'tiny', 1e6, 0, [0, 0, 0])])).toBeNull();
  });

  it('uses the best matmul as calibration and divides every throughput by it', () => {
    const outcomes = [
      measured('matmul', 'small', 2e9, 0, [2, 1, 1.5]), // median 1.5 s → 1.333 GFLOP/s
      measured('matmul', 'large', 8e9, 0, [2, 2, 2]), // 4 GFLOP/s: the calibration
      measured('gelu-fwd', 'n', 0, 2e9, [1, 1, 1, 1]), // 2 GB/s, memory-bound
    ];
    const r = report(outcomes);
    // best runs: 2 and 4 GFLOP/s
    expect(r.calibration).toEqual({ kernel: 'matmul', shape: 'large', gflops: 4, gflopsBest: 4 });
    const [small, large, gelu] = r.results;
    expect(small?.kind === 'measured' && small.medianMs).toBe(1500);
    expect(small?.kind === 'measured' && small.ratio).toBeCloseTo(1.333 / 4, 3);
    expect(large?.kind === 'measured' && large.ratio).toBe(1);
    expect(gelu?.kind === 'measured' && gelu.gflops).toBeUndefined();
    expect(gelu?.kind === 'measured' && gelu.ratio).toBe(0.5); // 2 GB/s ÷ 4 GFLOP/s
    expect(small?.kind === 'measured' && small.spreadPct).toBeCloseTo((0.5 / 1.5) * 100, 6); // IQR 1.25…1.75
    expect(small?.kind === 'measured' && small.ratioBest).toBe(0.5); // fastest run 1 s → 2 GFLOP/s ÷ 4
  });

  it('gates on fastest-run ratios: a uniformly slower machine passes, one slower kernel fails', () => {
    const base = baselineFrom(report([measured('matmul', 'm', 4e9, 0, [1]), measured('gelu-fwd', 'n', 0, 2e9, [1])]));
    const slowerMachine = report([measured('matmul', 'm', 4e9, 0, [3]), measured('gelu-fwd', 'n', 0, 2e9, [3])]);
    expect(compareWithBaseline(slowerMachine, base, 0.4).map((c) => c.kind)).toEqual(['ok', 'ok']);
    const slowerGelu = report([measured('matmul', 'm', 4e9, 0, [1]), measured('gelu-fwd', 'n', 0, 2e9, [1.8])]);
    const [, gelu] = compareWithBaseline(slowerGelu, base, 0.4);
    expect(gelu?.kind).toBe('regressed');
    expect(compareWithBaseline(report([measured('matmul', 'm', 4e9, 0, [1])]), base, 0.4)[1]?.kind).toBe('missing');
  });

  it('re-measured cases are divided by the calibration of their own round', () => {
    // First round: the calibration matmul ran slow (1 GFLOP/s), so gelu read 2.0.
    const first = report([measured('matmul', 'm', 4e9, 0, [4]), measured('gelu-fwd', 'n', 0, 2e9, [1])]);
    expect(first.results[1]?.kind === 'measured' && first.results[1].ratioBest).toBe(2);
    // Re-measured with its round's matmul: both 4× faster, so gelu's ratio is still 2.0 (not 8.0).
    const again = withRemeasured(first, [
      measured('matmul', 'm', 4e9, 0, [1]),
      measured('gelu-fwd', 'n', 0, 2e9, [0.25]),
    ]);
    expect(again.results[1]?.kind === 'measured' && again.results[1].ratioBest).toBe(2);
    // Only a faster kernel at the same calibration raises its ratio (the better round is kept).
    const faster = withRemeasured(first, [
      measured('matmul', 'm', 4e9, 0, [4]),
      measured('gelu-fwd', 'n', 0, 2e9, [0.5]),
    ]);
    expect(faster.results[1]?.kind === 'measured' && faster.results[1].ratioBest).toBe(4);
    // Without a matmul in the round, the report's calibration stays the yardstick.
    const alone = withRemeasured(first, [measured('gelu-fwd', 'n', 0, 2e9, [0.5])]);
    expect(alone.results[1]?.kind === 'measured' && alone.results[1].ratioBest).toBe(4);
  });

  it('names the file and field of a bad baseline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wattring-baseline-'));
    const file = join(dir, 'b.json');
    writeFileSync(
      file,
      JSON.stringify({
        schema: 'wattring.bench.kernels.baseline/1',
        createdAt: '',
        adapter: '',
        calibration: '',
        results: [{ kernel: 'k', shape: 's', ratio: -1 }],
      }),
    );
    expect(() => readBaseline(file)).toThrow(/--baseline .*b\.json: results\[0\]\.ratio/);
    expect(() => readBaseline(join(dir, 'missing.json'))).toThrow(/--baseline .*missing\.json: cannot read JSON/);
  });
});

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));

describeGpu('bench kernels end to end', () => {
  it('writes a baseline, passes against it, and exits 1 against a faster one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wattring-bench-kernels-'));
    const file = join(dir, 'baseline.json');
    const args = [
      'kernels',
      '--filter',
      '127x129x31',
      '--repeat',
      '3',
      '--min-seconds',
      '0',
      '--warmup',
      '1',
      '--json',
    ];
    const first = spawnSync(process.execPath, [bin, ...args, '--write-baseline', file], {
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(first.status, first.stderr).toBe(0);
    const out: KernelReport = JSON.parse(first.stdout);
    const result = out.results[0];
    expect(result?.kind).toBe('measured');
    if (result?.kind !== 'measured') return;
    expect(result.withinTolerance).toBe(true);
    expect(result.gflops).toBeGreaterThan(0);
    expect(out.units.gflops).toBe('GFLOP/s');
    expect(first.stderr).toContain('calibration: matmul 127x129x31');
    // Claim the baseline was 10× better relative to the calibration: any real run regresses.
    const baseline = JSON.parse(readFileSync(file, 'utf8'));
    baseline.results[0].ratio *= 10;
    writeFileSync(file, JSON.stringify(baseline));
    const second = spawnSync(process.execPath, [bin, ...args, '--baseline', file], {
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(second.status, second.stderr).toBe(1);
    expect(second.stderr).toContain('REGRESSED matmul 127x129x31');
  });
});
