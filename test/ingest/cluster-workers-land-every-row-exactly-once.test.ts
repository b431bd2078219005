// Three workers of one key, one shared budget (bottleneck in Redis), leased windows and one --out:
// every row lands exactly once (content hash equal to one worker's run), with and without faults,
// and the API key appears nowhere in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEiaSimServer, type EiaSimServer, type ExtractResult } from '../../src/ingest/index.ts';
import { noRedisReason, startRedis, type RedisServer } from '../support/redis-server.ts';
import { CLUSTER_KEY, dumpRedis, scratchDir, worker } from './support/cluster.ts';

const K = 200;

describe.skipIf(noRedisReason !== undefined)('three workers on one key', () => {
  let redis: RedisServer;
  let sim: EiaSimServer;
  let single: ExtractResult;
  beforeAll(async () => {
    redis = await startRedis();
    sim = await startEiaSimServer({ seed: 1, timeScale: K, faults: {}, validKeys: [CLUSTER_KEY] });
    single = await worker(sim.url, scratchDir('cluster-single'), K);
  });
  afterAll(async () => {
    await sim?.close();
    await redis?.stop();
  });

  const three = (baseUrl: string, out: string): Promise<ExtractResult[]> =>
    Promise.all(
      [0, 1, 2].map(() => worker(baseUrl, out, K, { cluster: { url: new URL(redis.url), flag: '--redis' } })),
    );

  it('land every window once between them, with the content hash of a single run', async () => {
    const runs = await three(sim.url, scratchDir('cluster-three'));
    const windows = single.plan.windows.length;
    expect(windows).toBeGreaterThan(40);
    expect(runs.map((r) => r.contentSha256)).toEqual([
      single.contentSha256,
      single.contentSha256,
      single.contentSha256,
    ]);
    for (const r of runs) {
      expect(r.duplicates).toBe(0);
      expect(r.rowsOnDisk).toBe(single.rowsOnDisk);
      expect(r.fatal).toBeUndefined();
      // each window is this worker's or another's, none left
      expect(r.outcomes.filter((o) => o.kind !== 'landed' && o.kind !== 'elsewhere')).toEqual([]);
    }
    const landedHere = runs.map((r) => r.outcomes.filter((o) => o.kind === 'landed').length);
    expect(landedHere.reduce((a, b) => a + b, 0)).toBe(windows);
    expect(runs.map((r) => r.cluster?.fetchedTwice)).toEqual([0, 0, 0]);
    expect(runs.every((r) => r.cluster?.runId === runs[0]?.cluster?.runId)).toBe(true);
    const last = runs.map((r) => r.cluster?.status).find((s) => s?.run !== undefined);
    expect(last?.windowsLanded).toBe(windows);
  });

  it(
    'still land every row once through 10 % 5xx, 2 % resets and 1 % truncated bodies, the key nowhere in ' + 'Redis',
    async () => {
      const faulty = await startEiaSimServer({
        seed: 1,
        timeScale: K,
        faults: { http5xx: 0.1, reset: 0.02, truncated: 0.01 },
        validKeys: [CLUSTER_KEY],
      });
      try {
        // Redis read all through the run (leases, heartbeats, the run record, bottleneck's keys) and
        // after it. Polled, not read once at a fixed moment: how far the run is after a given time
        // depends on the machine's load (at 1.5 s a loaded run had leased nothing yet, a fast one had
        // landed everything).
        const dumps: string[] = [];
        let running = true;
        const polling = (async () => {
          while (running) {
            dumps.push(await dumpRedis(redis.url));
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        })();
        const runs = await three(faulty.url, scratchDir('cluster-faults')).finally(() => (running = false));
        await polling;
        const after = await dumpRedis(redis.url);
        const midRun = dumps.find((d) => /^wattring:[0-9a-f]{24}:[0-9a-f]{12}:lease:/m.test(d)) ?? '';
        expect(midRun).toMatch(/^wattring:[0-9a-f]{24}:[0-9a-f]{12}:lease:/m);
        expect(midRun).toMatch(/^wattring:[0-9a-f]{24}:[0-9a-f]{12}:member:/m);
        expect(after).toMatch(/^b_wattring:[0-9a-f]{24}_settings/m);
        for (const dump of [...dumps, after]) {
          expect(dump).not.toContain(CLUSTER_KEY);
          expect(dump).not.toContain(CLUSTER_KEY.slice(0, 12));
        }
        expect(runs.map((r) => r.contentSha256)).toEqual([
          single.contentSha256,
          single.contentSha256,
          single.contentSha256,
        ]);
        expect(runs.map((r) => r.duplicates)).toEqual([0, 0, 0]);
        const faults = faulty.stats().faults;
        expect(faults.http5xx + faults.reset + faults.truncated).toBeGreaterThan(0);
      } finally {
        await faulty.close();
      }
    },
  );
});
