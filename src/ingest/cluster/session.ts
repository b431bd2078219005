// One worker's membership of an API key's cluster: the Redis connection, the run it joined (same
// plan and budget, or refused), its heartbeat, the shared limiter's connection and the manifest lock.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { sleep } from '../limiter.ts';
import { connectRedis } from './connect.ts';
import { ClusterPlanError, RedisLostError } from './errors.ts';
import { clusterKeys, type ClusterKeys } from './names.ts';
import { CHECK_BUDGET, JOIN, RELEASE } from './scripts.ts';

export interface ClusterOptions {
  readonly url: URL;
  /** The flag or variable the URL came from, for messages. */
  readonly flag: string;
}

/** What a worker publishes about itself with each heartbeat. */
export interface MemberCounters {
  readonly windowsLanded: number;
  readonly rowsLanded: number;
  readonly requests: number;
  /** Requests per hour of server time since this worker's first request. */
  readonly requestsPerHour: number;
  readonly leases: number;
}

export interface MemberInfo extends MemberCounters {
  readonly worker: string;
  readonly host: string;
  readonly pid: number;
  readonly updatedAt: string;
}

/**
 * Waiting for the manifest lock gives up after this many lock lifetimes (its holder must have died and the lock
 * expired by then).
 */
const LOCK_WAITS = 5;

export class ClusterSession {
  readonly worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly keys: ClusterKeys;
  private runIdValue: string | undefined;
  private connection: Bottleneck.IORedisConnection | undefined;
  private lostError: RedisLostError | undefined;
  private rejectLost: (e: RedisLostError) => void = () => {};
  /**
   * Rejects (RedisLostError) once Redis is gone for this worker: a command failed, or the client gave up reconnecting.
   */
  readonly lost: Promise<never>;

  private constructor(
    readonly redis: Redis,
    apiKey: string,
    /** Lease (and heartbeat) lifetime, ms of wall time. */
    readonly leaseMs: number,
    private readonly budget: string,
  ) {
    this.keys = clusterKeys(apiKey);
    this.lost = new Promise<never>((_, reject) => (this.rejectLost = reject));
    this.lost.catch(() => {}); // observed by whoever races it; never an unhandled rejection
    redis.on('end', () => this.markLost('talking to Redis', new Error('connection closed, reconnecting gave up')));
  }

  get isLost(): boolean {
    return this.lostError !== undefined;
  }

  markLost(what: string, cause: unknown): RedisLostError {
    if (!this.lostError) {
      this.lostError = cause instanceof RedisLostError ? cause : new RedisLostError(what, cause);
      this.rejectLost(this.lostError);
    }
    return this.lostError;
  }

  /** The run record outlives its last worker by this long (so a restarted worker rejoins it). */
  get runTtlMs(): number {
    return 3 * this.leaseMs;
  }

  /** Connects and refuses at once when the key's running cluster has another budget. */
  static async open(options: ClusterOptions, apiKey: string, budget: string, leaseMs: number): Promise<ClusterSession> {
    const redis = await connectRedis(options.url, options.flag);
    const session = new ClusterSession(redis, apiKey, leaseMs, budget);
    try {
      const other = await session.call('checking the cluster budget', () =>
        redis.eval(CHECK_BUDGET, 1, session.keys.run, budget),
      );
      if (typeof other === 'string' && other !== '') {
        throw new ClusterPlanError(
          `${options.flag}: this key's cluster runs with budget ${other}, this worker with ${budget}; give every ` +
            `worker the same --rate, --burst and --time-scale, or wait until that run ends.`,
        );
      }
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    return session;
  }

  get runId(): string {
    if (this.runIdValue === undefined) throw new Error('cluster: join() first');
    return this.runIdValue;
  }

  /** The connection bottleneck's Redis datastore uses for the shared limiter. */
  limiterConnection(): Bottleneck.IORedisConnection {
    if (this.connection) return this.connection;
    const connection = new Bottleneck.IORedisConnection({ client: this.redis, Redis });
    connection.on('error', () => {}); // seen as failed schedules (RedisLostError)
    // bottleneck 2.19 (lib/Job.js) awaits the release of a finished job's slot, and when that command
    // fails it rejects a promise nobody holds and never settles the job. So once Redis is lost its
    // commands are left pending instead (this worker stops; KeyLimiter races `lost`), never rejected.
    Reflect.set(
      connection,
      '__runCommand__',
      this.pendingOnceLost(connection, Reflect.get(connection, '__runCommand__')),
    );
    const scriptFn: unknown = Reflect.get(connection, '__scriptFn__');
    if (typeof scriptFn === 'function') {
      Reflect.set(connection, '__scriptFn__', (name: unknown) => {
        const run = this.pendingOnceLost(connection, scriptFn.call(connection, name));
        // bottleneck's RedisDatastore.runScript passes scripts a callback and drops the promise they
        // return, so a failure reaches it through the callback; the dropped promise's own rejection
        // (e.g. "Stream isn't writeable" while the client reconnects) must not go unhandled.
        return (...args: unknown[]): Promise<unknown> => {
          const p = run(...args);
          p.catch(() => {});
          return p;
        };
      });
    }
    this.connection = connection;
    return connection;
  }

  /** Joins the key's run for `plan`, or starts one; a run of another plan refuses this worker. */
  async join(plan: string, windows: number): Promise<'created' | 'joined'> {
    const runId = randomBytes(6).toString('hex');
    const reply = await this.call('joining the run', () =>
      this.redis.eval(
        JOIN,
        1,
        this.keys.run,
        plan,
        String(windows),
        this.budget,
        String(this.runTtlMs),
        runId,
        new Date().toISOString(),
      ),
    );
    const [kind, a, b, pttl] = Array.isArray(reply) ? reply.map(String) : [];
    if (kind === 'mismatch') {
      throw new ClusterPlanError(
        `--redis: this key's cluster is running plan ${a} (budget ${b}); this worker's flags give plan ${plan}. ` +
          `Start it with the same --preset/--routes/--respondents/--series/--start/--end, or wait until that run ` +
          `ends (its record expires ${Math.ceil(Number(pttl) / 1000)} s after its last worker stops).`,
      );
    }
    if ((kind !== 'created' && kind !== 'joined') || a === undefined)
      throw new RedisLostError('joining the run', `unexpected reply ${JSON.stringify(reply)}`);
    this.runIdValue = a;
    return kind;
  }

  /** `fn` (a bottleneck Redis call) made to leave its promise pending, never rejected, once Redis is lost. */
  private pendingOnceLost(self: unknown, fn: unknown): (...args: unknown[]) => Promise<unknown> {
    return (...args: unknown[]): Promise<unknown> => {
      if (this.isLost || typeof fn !== 'function') return new Promise<unknown>(() => {});
      return Promise.resolve<unknown>(fn.apply(self, args)).catch((error: unknown) => {
        if (this.redis.status === 'ready') throw error;
        this.markLost('running a limiter command', error);
        return new Promise<unknown>(() => {});
      });
    };
  }

  /** Runs `fn` while holding the manifest lock of this run (one holder at a time across workers). */
  async withManifestLock<T>(fn: () => Promise<T>): Promise<T> {
    const key = this.keys.manifestLock(this.runId);
    const token = `${this.worker}:${randomBytes(4).toString('hex')}`;
    // The lock lives one lease (a worker killed inside it holds up the others that long, no more);
    // the critical section it guards (re-read, renames, one manifest save) takes milliseconds.
    const deadline = Date.now() + LOCK_WAITS * this.leaseMs;
    for (;;) {
      const got = await this.call('taking the manifest lock', () =>
        this.redis.set(key, token, 'PX', this.leaseMs, 'NX'),
      );
      if (got === 'OK') break;
      if (Date.now() > deadline)
        throw new RedisLostError(
          'taking the manifest lock',
          `still held by another worker after ${(LOCK_WAITS * this.leaseMs) / 1000} s`,
        );
      await sleep(2 + Math.random() * 3);
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token).catch(() => {});
    }
  }

  /** A Redis command whose failure means the cluster is gone for this worker. */
  async call<T>(what: string, command: () => Promise<T>): Promise<T> {
    if (this.lostError) throw this.lostError;
    try {
      return await command();
    } catch (error) {
      if (error instanceof ClusterPlanError) throw error;
      throw this.markLost(what, error);
    }
  }

  memberInfo(counters: MemberCounters): MemberInfo {
    const [host, pid] = this.worker.split(':');
    return {
      worker: this.worker,
      host: host ?? '',
      pid: Number(pid),
      updatedAt: new Date().toISOString(),
      ...counters,
    };
  }

  /** Closes the client and bottleneck's subscriber copy of it. */
  async close(): Promise<void> {
    if (this.connection) await this.connection.disconnect(false).catch(() => {});
    this.redis.disconnect();
  }
}
