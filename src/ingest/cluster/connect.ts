// Connects to the --redis URL: checks its form, then that a Redis server answers there, before
// anything is sent to the API or written under --out.
import { Redis } from 'ioredis';
import { RedisUnavailableError } from './errors.ts';

/** How long a worker waits for Redis to answer at start-up, and for each command later. */
const CONNECT_TIMEOUT_MS = 3000;
const COMMAND_TIMEOUT_MS = 5000;

/** Checks `redis://[user:pass@]host:port[/db]` (or rediss://); the message never repeats a password. */
export function parseRedisUrl(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RedisUnavailableError(
      'REDIS_BAD_URL',
      `${flag}: ${JSON.stringify(shown(text))} is not a URL; write redis://HOST:PORT, e.g. redis://127.0.0.1:6379`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RedisUnavailableError(
      'REDIS_BAD_URL',
      `${flag}: ${shown(text)} must start with redis:// or rediss:// (got ${url.protocol}); e.g. ` +
        `redis://127.0.0.1:6379`,
    );
  }
  if (url.hostname === '' || !/^(\/\d*)?$/.test(url.pathname)) {
    throw new RedisUnavailableError(
      'REDIS_BAD_URL',
      `${flag}: ${shown(text)} needs a host and at most a database number (redis://HOST:PORT/DB)`,
    );
  }
  return url;
}

/** Opens a client and waits for PING; a server that does not answer is an environment error. */
export async function connectRedis(url: URL, flag: string): Promise<Redis> {
  // Not lazyConnect: bottleneck duplicates this client for its subscriber, and a lazy copy never connects.
  const client = new Redis(url.toString(), {
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Fail commands at once while disconnected instead of queueing them: a worker that cannot reach
    // Redis must stop taking windows, not wait with leases it can no longer renew.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => (times > 3 ? null : 200 * times),
  });
  client.on('error', () => {}); // surfaced through the failing commands, not as an unhandled event
  try {
    await untilReady(client);
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    const why = error instanceof Error ? error.message : String(error);
    throw new RedisUnavailableError(
      'REDIS_UNREACHABLE',
      `${flag}: no Redis server answered at ${shown(url.toString())} (${why}); start one (scripts/setup-redis.sh ` +
        `installs redis-server) or fix the URL`,
      { cause: error },
    );
  }
}

function untilReady(client: Redis): Promise<void> {
  return new Promise((resolve, reject) => {
    const onEnd = (): void => reject(new Error('connection closed'));
    client.once('ready', () => {
      client.off('end', onEnd);
      resolve();
    });
    client.once('end', onEnd);
  });
}

/** The URL with any password replaced, for messages. */
export function shown(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return text.replace(/\/\/[^@/]*@/, '//***@');
  }
}
