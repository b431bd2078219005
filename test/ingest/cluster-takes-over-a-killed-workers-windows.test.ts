// A worker killed with SIGKILL mid-run (a real `bench extract --redis` process): its leases expire,
// the other workers take its windows, and the landed data equals one worker's run, each window
// fetched to completion once.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, startEiaSimServer, type EiaSimServer, type ExtractResult } from '../../src/ingest/index.ts';
import { noRedisReason, startRedis, type RedisServer } from '../support/redis-server.ts';
import { CLUSTER_KEY, dumpRedis, scratchDir, worker } from './support/cluster.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));
const K = 50;

/** The same plan as CLUSTER_PLAN, as `bench extract` flags. */
const FLAGS = [
  '--respondents',
  'PACW,ERCO',
  '--routes',
  'region-data,fuel-type-data',
  '--series',
  'D,NG',
  '--start',
  '2022-01-01T00',
  '--end',
  '2023-12-31T23',
];

function spawnWorker(baseUrl: string, redisUrl: string, out: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      bin,
      'extract',
      ...FLAGS,
      '--base-url',
      baseUrl,
      '--api-key',
      CLUSTER_KEY,
      '--time-scale',
      String(K),
      '--redis',
      redisUrl,
      '--out',
      out,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/** Window ids in the run's settled set, from a `dumpRedis` text. */
function settledIds(dump: string): Set<string> {
  const line = dump.split('\n').find((l) => /:settled = /.test(l));
  return new Set(line === undefined ? [] : (JSON.parse(line.slice(line.indexOf(' = ') + 3)) as string[]));
}

describe.skipIf(noRedisReason !== undefined)('a worker killed with SIGKILL', () => {
  let redis: RedisServer;
  let sim: EiaSimServer;
  let single: ExtractResult;
  beforeAll(async () => {
    redis = await startRedis();
    sim = await startEiaSimServer({ seed: 1, timeScale: K, faults: {}, validKeys: [CLUSTER_KEY] });
    single = await worker(sim.url, scratchDir('takeover-single'), 200);
  });
  afterAll(async () => {
    await sim?.close();
    await redis?.stop();
  });

  it('leaves its windows to the others once its leases expire', async () => {
    const out = scratchDir('takeover');
    const child = spawnWorker(sim.url, redis.url, out);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
    // Let it land a few windows on its own, then start two more workers and kill it while it holds leases.
    for (let i = 0; i < 1200 && Object.keys(readManifest(out)?.windows ?? {}).length < 3; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(Object.keys(readManifest(out)?.windows ?? {}).length).toBeGreaterThanOrEqual(3);
    const cluster = { url: new URL(redis.url), flag: '--redis' };
    // The CLI calls any --base-url source 'eia'; the folder must agree.
    const others = Promise.all([0, 1].map(() => worker(sim.url, out, K, { cluster, source: 'eia' })));
    // Kill it the moment it is seen holding a lease on a window nobody has landed.
    const leasesOfChild = async (): Promise<number> =>
      (await dumpRedis(redis.url)).split('\n').filter((l) => l.includes(':lease:') && l.includes(`:${child.pid}:`))
        .length;
    let leasesAtKill = 0;
    for (let i = 0; i < 400 && leasesAtKill === 0; i++) leasesAtKill = await leasesOfChild();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // The kill can fall between its landing a window (manifest) and settling it (Redis): those windows,
    // and only those, may be fetched again. Manifest first, then Redis: a survivor's window landed in
    // between can only widen the set, never hide one of the dead worker's.
    const landedAtKill = Object.keys(readManifest(out)?.windows ?? {});
    const settledAtKill = settledIds(await dumpRedis(redis.url));
    const landedNotSettled = landedAtKill.filter((id) => !settledAtKill.has(id)).length;
    const runs = await others;
    // the dead worker held windows that nobody had landed; all of them landed in the end
    expect(leasesAtKill).toBeGreaterThan(0);
    for (const r of runs) {
      expect(r.fatal).toBeUndefined();
      expect(r.contentSha256).toBe(single.contentSha256);
      expect(r.duplicates).toBe(0);
      expect(r.outcomes.filter((o) => o.kind === 'not-run' || o.kind === 'failed')).toEqual([]);
    }
    // a window is fetched twice to completion only if its worker died between landing it and saying so
    const fetchedTwice = runs.map((r) => r.cluster?.fetchedTwice ?? Number.NaN);
    expect(fetchedTwice.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(landedNotSettled);
    expect(fetchedTwice.every((n) => n >= 0)).toBe(true);
  });
});
