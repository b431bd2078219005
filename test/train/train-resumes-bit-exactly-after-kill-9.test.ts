// A run killed with SIGKILL at a random moment after step N, then resumed with --resume, ends with
// a final checkpoint bit-identical (same sha256) to a run that never stopped, at three kill points.
// Also: the uninterrupted run's --json names the figures bench train promises, and bench forecast
// scores the run's checkpoint on the test split.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededF32 } from '../../src/core/index.ts';
import { readLatest } from '../../src/train/index.ts';
import { describeGpu } from '../support/gpu.ts';
import { tempDir } from '../features/support/world.ts';
import { buildEvalStore } from './support/eval-store.ts';
import { runBench } from './support/bench-cli.ts';

const STEPS = 8;
const N = 4;
const flags = (store: string, out: string): string[] => [
  'train',
  '--quick',
  '--store',
  store,
  '--out',
  out,
  '--steps',
  String(STEPS),
  '--checkpoint-every',
  '2',
  '--ranks',
  '2',
];

describeGpu('bench train resumes bit-exactly', () => {
  const tmp = tempDir('train-resume');
  let store = '';
  let straight = '';
  beforeAll(async () => {
    buildEvalStore(tmp.dir, 'store');
    store = join(tmp.dir, 'store');
    const out = join(tmp.dir, 'straight');
    const r = await runBench([...flags(store, out), '--json', '--evaluate']);
    expect(r.status, r.stderr).toBe(0);
    straight = out;
  }, 600_000);
  afterAll(() => tmp.cleanup());

  it('MFU vs matmul divides by the better of the calibrations before the steps and after them', () => {
    const s = JSON.parse(readFileSync(join(straight, 'summary.json'), 'utf8')) as {
      tokensPerSecond: number;
      flopsPerToken: number;
      matmulGflops: number;
      matmulGflopsCalibrations: { start: number; end: number };
      mfu: { vsMatmul: number };
      log: { tokensPerSecond: number; mfuVsMatmul: number }[];
    };
    const { start, end } = s.matmulGflopsCalibrations;
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(0);
    expect(s.matmulGflops).toBe(Math.max(start, end));
    const mfu = (tps: number): number => (s.flopsPerToken * tps) / (s.matmulGflops * 1e9);
    expect(s.mfu.vsMatmul / mfu(s.tokensPerSecond)).toBeCloseTo(1, 12);
    expect(s.log.length).toBeGreaterThan(0);
    for (const x of s.log) expect(x.mfuVsMatmul / mfu(x.tokensPerSecond)).toBeCloseTo(1, 12);
  });

  it('--json names tokens/s, MFU, losses, MAPE of the model and the baselines, per respondent', () => {
    const summary: unknown = JSON.parse(readFileSync(join(straight, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      tokensPerSecond: expect.any(Number),
      mfu: { vsMatmul: expect.any(Number), vsPeak: null },
      loss: { train: expect.any(Number), validation: expect.any(Number) },
      mape: { model: expect.any(Number), seasonalNaive: expect.any(Number), naive24h: expect.any(Number) },
      readBacksPerStep: 1,
      submitsPerStep: 1,
    });
    expect(summary).toHaveProperty('mape.dayAhead');
    expect(summary).toHaveProperty('perRespondent.0.respondent');
    for (const f of ['forecasts-test.arrow', 'loss.svg', 'run.json'])
      expect(readFileSync(join(straight, f)).length).toBeGreaterThan(100);
  });

  // Kill points: a random delay after step N's checkpoint landed (seeded, so a failure reproduces).
  const delays = Array.from(seededF32(3, 20261202, 0, 1500));
  it.each(delays.map((d, i) => [i, Math.round(d)]))(
    'kill point %i (%i ms after step 4): --resume ends with the same checkpoint',
    async (i, delayMs) => {
      const out = join(tmp.dir, `killed-${i}`);
      const killed = await runBench(flags(store, out), { pattern: new RegExp(`step ${N}: checkpoint`), delayMs });
      expect(killed.signal === 'SIGKILL' || killed.status === 0, killed.stderr).toBe(true);
      const resumed = await runBench([...flags(store, out), '--resume']);
      expect(resumed.status, resumed.stderr).toBe(0);
      if (killed.signal === 'SIGKILL') expect(resumed.stderr).toMatch(/resumed from step-\d+\.ckpt/);
      const a = readLatest(straight);
      const b = readLatest(out);
      expect(b?.step).toBe(STEPS);
      expect(b?.sha256).toBe(a?.sha256);
    },
    600_000,
  );

  describe('bench forecast', () => {
    it('scores the run on the test split and names mape and perRespondent in --json', async () => {
      const r = await runBench(['forecast', '--run', straight, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const out: unknown = JSON.parse(r.stdout);
      expect(out).toMatchObject({
        step: STEPS,
        mape: { model: expect.any(Number), seasonalNaive: expect.any(Number) },
      });
      expect(out).toHaveProperty('perRespondent.1.mape.model');
    }, 600_000);
  });
});
