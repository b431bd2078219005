// Rendezvous of a multi-process ring through Redis, as torch.distributed's TCPStore/RedisStore: each
// rank publishes where it listens under the run id, then waits until all R ranks have done so.
// Redis only introduces the ranks; no block or gradient ever goes through it.
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { ExitCode, UsageError, WattringError } from '../core/index.ts';

/** What one rank publishes: its ZeroMQ endpoint and who it is (for error messages). */
export interface PeerInfo {
  readonly rank: number;
  readonly world: number;
  readonly endpoint: string;
  readonly host: string;
  readonly pid: number;
}

/** The rendezvous store cannot be reached or the ranks did not all arrive. */
export class RendezvousError extends WattringError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: ExitCode.environment });
  }
}

/** The Redis key of a run's rendezvous hash. */
export function rendezvousKey(runId: string): string {
  return `wattring:ring:${runId}`;
}

/** The URL with any password replaced, for messages (a secret never reaches a log). */
export function shownUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return text.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Checks `redis://host:port[/db]` (flag `--rendezvous`). */
export function parseRendezvousUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new UsageError(
      'RING_RENDEZVOUS',
      `--rendezvous ${JSON.stringify(shownUrl(text))} is not a Redis URL; ` +
        'write redis://HOST:PORT, e.g. redis://127.0.0.1:6379',
    );
  }
  return url;
}

async function connect(url: URL): Promise<Redis> {
  const client = new Redis(url.toString(), {
    connectTimeout: 3000,
    commandTimeout: 5000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => (times > 3 ? null : 200 * times),
    lazyConnect: true,
  });
  client.on('error', () => {}); // surfaced through the failing commands
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new RendezvousError(
      'RING_RENDEZVOUS_UNREACHABLE',
      `--rendezvous: no Redis server answered at ${shownUrl(url.toString())} ` +
        `(${error instanceof Error ? error.message : String(error)}); ` +
        'start one (scripts/setup-redis.sh) or fix the URL',
      { cause: error },
    );
  }
}

function parsePeer(field: string, value: string): PeerInfo | undefined {
  if (!field.startsWith('rank:')) return undefined;
  const x: unknown = JSON.parse(value);
  if (typeof x !== 'object' || x === null) return undefined;
  const get = (k: string): unknown => (k in x ? Reflect.get(x, k) : undefined);
  const [rank, world, endpoint, host, pid] = ['rank', 'world', 'endpoint', 'host', 'pid'].map(get);
  if (typeof rank !== 'number' || typeof world !== 'number' || typeof endpoint !== 'string') return undefined;
  return { rank, world, endpoint, host: typeof host === 'string' ? host : '?', pid: typeof pid === 'number' ? pid : 0 };
}

export interface RendezvousOptions {
  readonly url: URL;
  readonly runId: string;
  readonly rank: number;
  readonly world: number;
  readonly endpoint: string;
  /** How long to wait for the other ranks (default 60 s). */
  readonly timeoutMs?: number;
}

/** Publishes this rank and returns every rank's entry (index = rank) once all R have published. */
export async function rendezvous(o: RendezvousOptions): Promise<PeerInfo[]> {
  const redis = await connect(o.url);
  const key = rendezvousKey(o.runId);
  try {
    const me: PeerInfo = { rank: o.rank, world: o.world, endpoint: o.endpoint, host: hostname(), pid: process.pid };
    await redis.hset(key, `rank:${o.rank}`, JSON.stringify(me));
    await redis.expire(key, 3600);
    const deadline = performance.now() + (o.timeoutMs ?? 60_000);
    for (;;) {
      const peers = Object.entries(await redis.hgetall(key)).flatMap(([f, v]) => parsePeer(f, v) ?? []);
      const other = peers.find((p) => p.world !== o.world);
      if (other)
        throw new UsageError(
          'RING_WORLD',
          `run ${o.runId}: rank ${other.rank} (pid ${other.pid} on ${other.host}) ` +
            `joined with --world ${other.world}, ` +
            `this rank with --world ${o.world}; start every rank with the same world size`,
        );
      const byRank = Array.from({ length: o.world }, (_, r) => peers.find((p) => p.rank === r));
      if (byRank.every((p) => p !== undefined)) return byRank.filter((p) => p !== undefined);
      if (performance.now() > deadline) {
        const missing = byRank.flatMap((p, r) => (p ? [] : [r]));
        throw new RendezvousError(
          'RING_RENDEZVOUS_TIMEOUT',
          `run ${o.runId}: rank(s) ${missing.join(', ')} of ${o.world} did not join at ${shownUrl(o.url.toString())} ` +
            `within ${((o.timeoutMs ?? 60_000) / 1e3).toFixed(0)} s; start them with --rank r --world ${o.world} ` +
            `--run-id ${o.runId} and the same --rendezvous`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    redis.disconnect();
  }
}

/** Removes a finished run's entries (rank 0 does it after a clean end; otherwise they expire in an hour). */
export async function clearRendezvous(url: URL, runId: string): Promise<void> {
  const redis = await connect(url);
  try {
    await redis.del(rendezvousKey(runId));
  } finally {
    redis.disconnect();
  }
}
