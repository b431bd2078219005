// Bad cluster input: a malformed or unreachable Redis URL exits 3 naming the flag (or variable); a
// worker whose plan differs from its cluster's run is refused with exit 2; nothing written either way.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/index.ts';
import { ClusterSession, startEiaSimServer, type EiaSimServer } from '../../src/ingest/index.ts';
import { freePort, noRedisReason, startRedis, type RedisServer } from '../support/redis-server.ts';
import { CLUSTER_KEY, scratchDir } from './support/cluster.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));
const PLAN = [
  '--respondents',
  'PACW',
  '--routes',
  'region-data',
  '--series',
  'D',
  '--start',
  '2024-01-01T00',
  '--end',
  '2024-01-31T23',
];

function bench(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'extract', ...PLAN, ...args], { env: { ...process.env, ...env } });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(noRedisReason !== undefined)('cluster input', () => {
  let redis: RedisServer;
  let sim: EiaSimServer;
  const api = (): string[] => ['--base-url', sim.url, '--api-key', CLUSTER_KEY, '--time-scale', '100'];
  beforeAll(async () => {
    redis = await startRedis();
    sim = await startEiaSimServer({ seed: 1, timeScale: 100, faults: {}, validKeys: [CLUSTER_KEY] });
  });
  afterAll(async () => {
    await sim?.close();
    await redis?.stop();
  });

  it('a malformed --redis URL exits 3 naming the flag; nothing written', async () => {
    const out = join(scratchDir('cluster-bad'), 'out');
    const r = await bench([...api(), '--redis', 'http://127.0.0.1:6379', '--out', out]);
    expect(r.code).toBe(ExitCode.environment);
    expect(r.stderr).toMatch(/--redis: .*must start with redis:\/\/ or rediss:\/\//);
    expect(existsSync(out)).toBe(false);
  });

  it('a malformed WATTRING_REDIS_URL is named as such', async () => {
    const r = await bench([...api(), '--out', join(scratchDir('cluster-bad'), 'out')], {
      WATTRING_REDIS_URL: 'not a url',
    });
    expect(r.code).toBe(ExitCode.environment);
    expect(r.stderr).toMatch(/WATTRING_REDIS_URL: "not a url" is not a URL/);
  });

  it('an unreachable Redis exits 3 naming the URL; nothing written', async () => {
    const out = join(scratchDir('cluster-bad'), 'out');
    const url = `redis://127.0.0.1:${await freePort()}`;
    const r = await bench([...api(), '--redis', url, '--out', out]);
    expect(r.code).toBe(ExitCode.environment);
    expect(r.stderr).toContain(`--redis: no Redis server answered at ${url}`);
    expect(existsSync(out)).toBe(false);
  });

  it('--redis without a shared API (the embedded per-process simulator) is a usage error', async () => {
    const r = await bench(['--redis', redis.url, '--out', join(scratchDir('cluster-bad'), 'out')]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(
      /--redis: the workers of a cluster must share one API and key: give --base-url and --api-key/,
    );
  });

  it('a worker with another plan than its cluster is refused with exit 2; nothing written', async () => {
    // Another worker of this key is running a different plan.
    const other = await ClusterSession.open(
      { url: new URL(redis.url), flag: '--redis' },
      CLUSTER_KEY,
      '5000/h burst 5/s x100',
      60_000,
    );
    try {
      await other.join('0123456789abcdef', 12);
      const out = join(scratchDir('cluster-other-plan'), 'out');
      const r = await bench([...api(), '--redis', redis.url, '--out', out]);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.stderr).toMatch(/cluster is running plan 0123456789abcdef .*this worker's flags give plan [0-9a-f]{16}/);
      expect(r.stderr).not.toContain(CLUSTER_KEY);
      expect(existsSync(out)).toBe(false);
      // and --status shows that run
      const s = await bench([...api(), '--redis', redis.url, '--status', '--json']);
      expect(s.code).toBe(ExitCode.ok);
      expect(JSON.parse(s.stdout)).toMatchObject({
        run: { plan: '0123456789abcdef', windows: 12 },
        windowsLanded: 0,
        windowsLeft: 12,
      });
    } finally {
      await other.close();
    }
  });
});
