// Test helper: several extract workers of one key in this process, sharing a real loopback
// simulated server, a real redis-server and one --out, plus a reader of every Redis key and value.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  parseHour,
  runExtract,
  type ExtractOptions,
  type ExtractResult,
  type PlanInput,
} from '../../../src/ingest/index.ts';

export const CLUSTER_KEY = 'cluster-test-key-5f1c9a77e2';

/** Two years, two respondents, demand + fuel mix: about 70 windows, a couple of seconds at k = 200. */
export const CLUSTER_PLAN: Omit<PlanInput, 'seriesPerRespondent'> = {
  routes: ['region-data', 'fuel-type-data'],
  respondents: ['PACW', 'ERCO'],
  series: { 'region-data': ['D', 'NG'], 'fuel-type-data': [] },
  startMs: parseHour('2022-01-01T00') ?? 0,
  endMs: parseHour('2023-12-31T23') ?? 0,
};

export function worker(
  baseUrl: string,
  outDir: string,
  timeScale: number,
  extra: Partial<ExtractOptions> = {},
): Promise<ExtractResult> {
  return runExtract({
    source: 'eia-sim',
    baseUrl,
    apiKey: CLUSTER_KEY,
    plan: CLUSTER_PLAN,
    outDir,
    resume: false,
    ratePerHour: 5000,
    timeScale,
    ...extra,
  });
}

export function scratchDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `wattring-${tag}-`));
}

/** Every key and every value held in Redis, as text (to prove what is not there). */
export async function dumpRedis(url: string): Promise<string> {
  const redis = new Redis(url);
  try {
    const parts: string[] = [];
    for (const key of await redis.keys('*')) {
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'set'
              ? JSON.stringify(await redis.smembers(key))
              : type === 'zset'
                ? JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'))
                : type === 'list'
                  ? JSON.stringify(await redis.lrange(key, 0, -1))
                  : type;
      parts.push(`${key} = ${value ?? ''}`);
    }
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}
