// bench train --transport process: R = 3 rank processes, each with its own WebGPU device, joined
// through a real redis-server. kill -9 of one rank mid-run ends every other rank within 10 s with an
// error naming it; the last checkpoint stays valid, and --resume (through the local launcher) ends
// with weights, AdamW moments and loss history bit-identical to an uninterrupted isolated-mode run
// (the same arithmetic in the same order on every rank).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, readLatest } from '../../src/train/index.ts';
import { tempDir } from '../features/support/world.ts';
import { describeGpu } from '../support/gpu.ts';
import { noRedisReason, startRedis, type RedisServer } from '../support/redis-server.ts';
import { runBench } from './support/bench-cli.ts';
import { buildEvalStore } from './support/eval-store.ts';

const BIN = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));
const R = 3;
const STEPS = 24;
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
  '4',
  '--ranks',
  String(R),
];

interface RankRun {
  readonly child: ChildProcess;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

/** One rank as its own process (no stderr relay in front, so the pid is the rank). */
function startRank(args: readonly string[]): RankRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, CI: 'true', WATTRING_STDERR_RELAYED: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const run: RankRun = {
    child,
    stderr: '',
    exited: new Promise((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, atMs: performance.now() })),
    ),
  };
  child.stderr?.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}

function until(run: RankRun, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const tick = (): void => {
      if (pattern.test(run.stderr)) resolve();
      else if (performance.now() - start > timeoutMs || run.child.exitCode !== null)
        reject(new Error(`no ${pattern} on the rank's stderr:\n${run.stderr}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

function stateBytes(runDir: string) {
  const latest = readLatest(runDir);
  if (!latest) throw new Error(`${runDir}: no checkpoint`);
  const c = loadCheckpoint(runDir, latest);
  const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return { step: latest.step, params: bytes(c.params), m: bytes(c.m), v: bytes(c.v), history: c.header.history };
}

// Without redis-server: skipped with a printed reason (test/support/redis-server.ts), failing under CI=true.
describe.skipIf(noRedisReason !== undefined)('process transport (Redis rendezvous)', () => {
  describeGpu('bench train --transport process', () => {
    const tmp = tempDir('train-processes');
    let redis: RedisServer;
    let store = '';
    let isolated = '';
    beforeAll(async () => {
      redis = await startRedis();
      buildEvalStore(tmp.dir, 'store');
      store = join(tmp.dir, 'store');
      isolated = join(tmp.dir, 'isolated');
      const r = await runBench([...flags(store, isolated), '--mode', 'isolated']);
      expect(r.status, r.stderr).toBe(0);
    }, 600_000);
    afterAll(async () => {
      await redis.stop();
      tmp.cleanup();
    });

    it('kill -9 of rank 1 ends ranks 0 and 2 within 10 s naming it; --resume is bit-identical', async () => {
      const out = join(tmp.dir, 'process');
      const runId = `killed-${process.pid}`;
      const join3 = (r: number): string[] => [
        ...flags(store, out),
        ...['--transport', 'process', '--rank', String(r), '--world', String(R)],
        ...['--rendezvous', redis.url, '--run-id', runId],
      ];
      const ranks = Array.from({ length: R }, (_, r) => startRank(join3(r)));
      const rank0 = ranks[0];
      const victim = ranks[1];
      if (!rank0 || !victim) throw new Error('no ranks');
      await until(rank0, /step 8: checkpoint/, 300_000);
      const killedAt = performance.now();
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      for (const r of [0, 2]) {
        const rank = ranks[r];
        if (!rank) throw new Error(`no rank ${r}`);
        const end = await rank.exited;
        expect(end.code, rank.stderr).not.toBe(0);
        expect(end.code, rank.stderr).not.toBeNull();
        expect(end.atMs - killedAt, rank.stderr).toBeLessThan(10_000);
        expect(rank.stderr).toMatch(/rank 1 \(pid \d+ on [^)]+\) dropped its connection/);
      }
      const kept = stateBytes(out);
      expect(kept.step).toBeGreaterThanOrEqual(8);
      expect(kept.step).toBeLessThan(STEPS);

      const resumed = await runBench([
        ...flags(store, out),
        ...['--transport', 'process', '--resume', '--rendezvous', redis.url],
      ]);
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(new RegExp(`\\[rank 0\\] train: resumed from step-0*${kept.step}\\.ckpt`));
      const a = stateBytes(isolated);
      const b = stateBytes(out);
      expect(b.step).toBe(STEPS);
      expect(b.params.equals(a.params), 'params bit-identical').toBe(true);
      expect(b.m.equals(a.m), 'AdamW m bit-identical').toBe(true);
      expect(b.v.equals(a.v), 'AdamW v bit-identical').toBe(true);
      expect(b.history).toEqual(a.history);
    }, 600_000);
  });
});
