// `bench ring --json` runs end to end on a small T: stdout is one JSON result whose errors are
// within fp32 tolerance, whose figures are consistent, and the table and progress go to stderr.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { RingBenchResult } from '../../src/bench/ring/measure.ts';
import { describeGpu } from '../support/gpu.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));

describeGpu('bench ring', () => {
  it('prints JSON on stdout and the table on stderr (T=96, R=4, zigzag, shared)', () => {
    const args = [
      'ring',
      '--seq-len',
      '96',
      '--ranks',
      '4',
      '--heads',
      '2',
      '--head-dim',
      '16',
      '--reps',
      '1',
      '--warmup',
      '0',
      '--json',
    ];
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out: RingBenchResult = JSON.parse(r.stdout);
    expect(out.config).toMatchObject({ seqLen: 96, ranks: 4, layout: 'zigzag', mode: 'shared', causal: true });
    for (const f of Object.values(out.error.vsSingleDevice ?? {})) expect(f.withinTolerance).toBe(true);
    expect(out.error.vsSingleDevice).toBeDefined();
    for (const f of [out.error.vsDenseSampledRows.o, out.error.vsDenseSampledRows.lse, out.error.vsDenseSampledRows.dq])
      expect(f.withinTolerance).toBe(true);
    expect(out.balance.imbalance).toBeLessThanOrEqual(1.05);
    expect(out.memory.perRank).toHaveLength(4);
    expect(out.communication.bytesMoved).toBe(
      out.communication.forward.bytesMoved + out.communication.backward.bytesMoved,
    );
    expect(out.steps).toHaveLength(2 * 4 * 4); // (forward + backward) × R steps × R ranks
    expect(r.stderr).toContain('load imbalance');
    expect(r.stderr).toContain('error vs dense f64');
  });
});
