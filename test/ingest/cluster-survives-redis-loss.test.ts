// Redis stopped mid-run: the workers stop taking windows, land or abandon what is in flight without
// corrupting anything, and stop with REDIS_LOST (exit 3); restarted with --resume, they complete the
// same content hash as one worker's run.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/index.ts';
import { readManifest, startEiaSimServer, type EiaSimServer, type ExtractResult } from '../../src/ingest/index.ts';
import { noRedisReason, startRedis, type RedisServer } from '../support/redis-server.ts';
import { scratchDir, worker } from './support/cluster.ts';
import { CLUSTER_KEY } from './support/cluster.ts';

const K = 100;

describe.skipIf(noRedisReason !== undefined)('Redis lost mid-run', () => {
  let redis: RedisServer;
  let sim: EiaSimServer;
  let single: ExtractResult;
  beforeAll(async () => {
    redis = await startRedis();
    sim = await startEiaSimServer({ seed: 1, timeScale: K, faults: {}, validKeys: [CLUSTER_KEY] });
    single = await worker(sim.url, scratchDir('redis-loss-single'), 200);
  });
  afterAll(async () => {
    await sim?.close();
    await redis?.stop();
  });

  it('stops the workers cleanly, and --resume completes the same data', async () => {
    const out = scratchDir('redis-loss');
    const cluster = { url: new URL(redis.url), flag: '--redis' };
    const running = Promise.all([0, 1].map(() => worker(sim.url, out, K, { cluster })));
    // Kill Redis like a crash once some windows have landed.
    for (let i = 0; i < 400 && Object.keys(readManifest(out)?.windows ?? {}).length < 5; i++)
      await new Promise((r) => setTimeout(r, 25));
    await redis.stop('SIGKILL');
    const stopped = await running;
    for (const r of stopped) {
      expect(r.fatal?.code).toBe('REDIS_LOST');
      expect(r.fatal?.exitCode).toBe(ExitCode.environment);
      expect(r.fatal?.message).toMatch(/--resume/);
      expect(r.duplicates).toBe(0);
    }
    const landed = Object.keys(readManifest(out)?.windows ?? {}).length;
    expect(landed).toBeGreaterThanOrEqual(5);
    expect(landed).toBeLessThan(single.plan.windows.length);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    redis = await startRedis(redis.port);
    const resumed = await Promise.all(
      [0, 1].map(() =>
        worker(sim.url, out, K, { cluster: { url: new URL(redis.url), flag: '--redis' }, resume: true }),
      ),
    );
    for (const r of resumed) {
      expect(r.fatal).toBeUndefined();
      expect(r.contentSha256).toBe(single.contentSha256);
      expect(r.duplicates).toBe(0);
    }
    expect(resumed.flatMap((r) => r.outcomes.filter((o) => o.kind === 'skipped')).length).toBe(2 * landed);
  });
});
