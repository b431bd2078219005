// One limiter per API key (bottleneck): a sustained budget and a burst cap, with the number of
// requests in flight following the observed latency (in flight ≈ rate × latency, with headroom).
// With a cluster, the same limiter lives in Redis (bottleneck's clustering) and every worker shares it.
import { performance } from 'node:perf_hooks';
import Bottleneck from 'bottleneck';
import { RedisLostError } from './cluster/errors.ts';
import { EiaTransientError } from './errors.ts';
import { AdaptiveMargin, type AdaptiveMarginOptions } from './spacing.ts';
import { HOUR_MS } from '../core/index.ts';

export interface LimiterOptions {
  /** Sustained budget in requests per hour of the server's clock (EIA plans with 5,000). */
  readonly ratePerHour: number;
  /** Most request starts in any one second (EIA: under 5). */
  readonly burstPerSecond: number;
  /** Time compression k shared with a simulated server: rates × k, durations ÷ k. */
  readonly timeScale: number;
  /** Fixed in-flight cap (the concurrency sweep); adaptive when undefined. */
  readonly maxInFlight?: number | undefined;
  /**
   * Wall-clock ms added to the spacing of starts, not scaled by k. A budget with bursts of one
   * (CAISO: one request per 5 s) leaves no bucket to absorb arrival jitter; the 1 % headroom is
   * 50 ms at k = 1 but shrinks with k while the jitter does not, so this margin stays fixed.
   */
  readonly marginMs?: number;
  /**
   * Bursts of one only (CAISO): instead of the 1 % headroom and the fixed marginMs, starts are
   * spaced by the server's exact interval plus a margin that grows after each 429 and decays slowly
   * (src/ingest/spacing.ts), measured from the moment the previous request's headers left (markSent).
   */
  readonly adaptiveMargin?: AdaptiveMarginOptions | undefined;
  /** Share the budget with other workers: bottleneck's Redis datastore under one limiter id. */
  readonly cluster?:
    | {
        readonly connection: Bottleneck.IORedisConnection;
        readonly id: string;
        readonly lost: Promise<never>;
        /**
         * Wall ms after which a job's slot is freed even if its worker died: bottleneck frees a dead
         * client's running jobs only through their `expiration`, so without it a kill -9 leaks the shared
         * in-flight capacity for good. Longer than any request (its timeout plus the gate's wait).
         */
        readonly jobExpirationMs: number;
      }
    | undefined;
}

/** What a job run by bottleneck hands back: the request's own result or error, kept apart from bottleneck's. */
type JobResult<T> =
  | { readonly kind: 'sent'; readonly value: T }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'requeue' };

/** Fraction of the budget the limiter plans to use. */
export const HEADROOM = 0.99;

export class KeyLimiter {
  /** Spacing between request starts, ms of wall time. */
  readonly intervalMs: number;
  private readonly bottleneck: Bottleneck;
  private readonly fixedInFlight: number | undefined;
  private pausedUntil = 0;
  private latencyMean = 0;
  private latencyDev = 0;
  private observed = 0;
  private inFlightCap: number;
  private readonly gate: SendGate;
  private readonly clustered: boolean;
  /** Clustered: rejects when Redis is gone (a job whose slot cannot be released never settles). */
  private readonly lost: Promise<never> | undefined;
  private readonly jobOptions: Bottleneck.JobOptions;
  private readonly margin: AdaptiveMargin | undefined;

  constructor(options: LimiterOptions) {
    const k = options.timeScale;
    // Both caps become a minimum spacing of starts; bottleneck books slots ahead (next = slot +
    // minTime), so timer lateness does not accumulate while enough requests are queued.
    // Send at 99 % of the budget: at exactly 100 % the server's bucket sits empty and any jitter
    // in arrival times (a late event loop) becomes a 429; the 1 % lets it refill to absorb that.
    const adaptive =
      options.adaptiveMargin !== undefined && options.burstPerSecond === 1 && options.cluster === undefined;
    const margin = options.marginMs ?? 0;
    const exact = HOUR_MS / (options.ratePerHour * k);
    // Adaptive: bottleneck books at the exact interval; the gate adds the learnt margin.
    const sustained = adaptive ? exact : HOUR_MS / (options.ratePerHour * HEADROOM * k) + margin;
    // 5 % over 1/burst so that network jitter cannot put burst + 1 starts in one second.
    const burst = (1000 * 1.05) / (options.burstPerSecond * k);
    this.intervalMs = Math.max(sustained, burst);
    this.fixedInFlight = options.maxInFlight;
    this.inFlightCap = options.maxInFlight ?? Math.max(4, options.burstPerSecond);
    this.clustered = options.cluster !== undefined;
    this.lost = options.cluster?.lost;
    this.jobOptions = options.cluster ? { expiration: options.cluster.jobExpirationMs } : {};
    const shared = options.cluster
      ? { id: options.cluster.id, datastore: 'ioredis', connection: options.cluster.connection, clearDatastore: false }
      : {};
    this.bottleneck = new Bottleneck({ minTime: this.intervalMs, maxConcurrent: this.inFlightCap, ...shared });
    // Redis trouble reaches the caller as a failed schedule(); the event would otherwise go unheard.
    this.bottleneck.on('error', () => {});
    // A 429 seen by one worker pauses every worker of the key (server-time ms ÷ k, sent relative).
    this.bottleneck.on('message', (message) => {
      const ms = /^pause:(\d+(?:\.\d+)?)$/.exec(message)?.[1];
      if (ms !== undefined) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + Number(ms));
    });
    // Clustered, this gate sees only this worker's share: no catch-up burst, so a worker whose timers
    // fire late (a stalled event loop) sends its overdue requests one interval apart, not together.
    this.margin = adaptive && options.adaptiveMargin ? new AdaptiveMargin(options.adaptiveMargin) : undefined;
    this.gate = new SendGate(
      HOUR_MS / sustained,
      options.burstPerSecond,
      k,
      options.cluster ? 1 : 2,
      this.margin ? { intervalMs: exact, margin: this.margin } : undefined,
    );
  }

  /** The adaptive margin now, wall ms (undefined when the limiter does not adapt). */
  get adaptiveMarginMs(): number | undefined {
    return this.margin?.ms;
  }

  /**
   * A request's headers were written to the socket at `atMs` (performance.now()): the next start is
   * spaced from then, not from when the slot was granted, so a late write (the event loop busy
   * landing a window between the grant and the write) cannot make the next request arrive early.
   */
  markSent(atMs: number): void {
    this.gate.markSent(atMs);
  }

  /** Current cap on requests booked or in flight. */
  get maxInFlight(): number {
    return this.inFlightCap;
  }

  /**
   * Clustered: waits until the shared limiter is ready, then applies this worker's settings (the
   * cluster refuses workers with another budget first, so every worker writes the same values).
   */
  async join(): Promise<void> {
    try {
      await this.bottleneck.ready();
      // Typed as returning the limiter, it returns a promise of it (bottleneck 2.19 lib/Bottleneck.js).
      await Promise.resolve(
        this.bottleneck.updateSettings({ minTime: this.intervalMs, maxConcurrent: this.inFlightCap }),
      );
    } catch (error) {
      throw new RedisLostError('joining the shared limiter', error);
    }
  }

  /** Runs `send` in the next free slot; while the key is paused, slots are given up and re-booked. */
  async schedule<T>(send: () => Promise<T>): Promise<T> {
    for (;;) {
      await sleep(this.pausedUntil - Date.now());
      let result: JobResult<T>;
      try {
        const job = this.bottleneck.schedule(this.jobOptions, async (): Promise<JobResult<T>> => {
          await this.gate.admit();
          if (Date.now() < this.pausedUntil) return { kind: 'requeue' };
          try {
            return { kind: 'sent', value: await send() };
          } catch (error) {
            return { kind: 'threw', error };
          }
        });
        result = await (this.lost ? Promise.race([job, this.lost]) : job);
      } catch (error) {
        if (error instanceof RedisLostError) throw error;
        // An expired job (see jobExpirationMs) is a request that took too long: retried like a timeout.
        if (error instanceof Bottleneck.BottleneckError && /timed out/.test(error.message))
          throw new EiaTransientError('timeout', `request slot expired: ${error.message}`, { cause: error });
        // Only bottleneck itself fails here (send's errors come back as `threw`): in a cluster, Redis.
        if (this.clustered) throw new RedisLostError('booking a request slot', error);
        throw error;
      }
      if (result.kind === 'sent') return result.value;
      if (result.kind === 'threw') throw result.error;
    }
  }

  /** The server throttled the key: no request of this key starts for `ms` (in a cluster, of any worker). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    this.margin?.grow();
    if (this.clustered) this.bottleneck.publish(`pause:${Math.ceil(ms)}`).catch(() => {});
  }

  /** Feeds one request's latency (ms) into the in-flight target. */
  observeLatency(ms: number): void {
    this.observed++;
    const alpha = this.observed < 10 ? 1 / this.observed : 0.1;
    const delta = ms - this.latencyMean;
    this.latencyMean += alpha * delta;
    this.latencyDev += alpha * (Math.abs(delta) - this.latencyDev);
    if (this.fixedInFlight !== undefined || this.observed % 5 !== 0) return;
    // Little's law: in flight = rate × latency; mean + 3 deviations covers the log-normal tail, ×1.5
    // and +3 for requests booked but not yet started and for event-loop stalls.
    const target = Math.min(
      512,
      Math.max(4, Math.ceil((1.5 * (this.latencyMean + 3 * this.latencyDev)) / this.intervalMs) + 3),
    );
    if (target !== this.inFlightCap) {
      this.inFlightCap = target;
      // Clustered, this is the shared cap: every worker computes the same target from the same rate.
      Promise.resolve(this.bottleneck.updateSettings({ maxConcurrent: target })).catch(() => {});
    }
  }

  async stop(): Promise<void> {
    this.margin?.stop();
    // Clustered, the session closes the shared connection (which also stops this limiter's heartbeat);
    // detaching here would unsubscribe through a client that may have lost Redis.
    if (this.clustered) return;
    await this.bottleneck.stop({ dropWaitingJobs: false });
  }
}

/**
 * Last check before a request leaves: the server's own rules (token bucket of the budget, at most
 * `burst` starts per second) with one request of margin. Bottleneck books slots on a schedule; when
 * the event loop is late, several slots fall due at once, and this turns that pile-up into a burst
 * the server accepts instead of a 429.
 */
class SendGate {
  private readonly refillPerMs: number;
  private readonly capacity: number;
  private readonly windowMs: number;
  private tokens: number;
  private updated = performance.now();
  private readonly recent: number[] = [];
  /** performance.now() of the last admission or, later, of the last request's headers leaving. */
  private lastSent = Number.NEGATIVE_INFINITY;

  constructor(
    scaledPerHour: number,
    private readonly burst: number,
    timeScale: number,
    catchUp: number,
    private readonly spacing?: { readonly intervalMs: number; readonly margin: AdaptiveMargin },
  ) {
    this.refillPerMs = scaledPerHour / HOUR_MS;
    // Two tokens of catch-up (not the server's five): at full rate the server's bucket is near empty,
    // so a burst arriving more than ~(server capacity − ours) intervals bunched up would be refused.
    this.capacity = Math.max(1, Math.min(catchUp, burst - 1));
    this.tokens = this.capacity;
    this.windowMs = (1000 * 1.1) / timeScale;
  }

  async admit(): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.updated) * this.refillPerMs);
      this.updated = now;
      while (this.recent.length > 0 && (this.recent[0] ?? 0) <= now - this.windowMs) this.recent.shift();
      const windowCap = Math.max(1, this.burst - 1);
      const forToken = this.tokens >= 1 ? 0 : (1 - this.tokens) / this.refillPerMs;
      const forWindow = this.recent.length < windowCap ? 0 : (this.recent[0] ?? now) + this.windowMs - now;
      const forSpacing = this.spacing ? this.lastSent + this.spacing.intervalMs + this.spacing.margin.ms - now : 0;
      const wait = Math.max(forToken, forWindow, forSpacing);
      if (wait <= 0) {
        this.tokens -= 1;
        this.recent.push(now);
        this.lastSent = now;
        this.spacing?.margin.decay();
        return;
      }
      await sleep(wait);
    }
  }

  markSent(atMs: number): void {
    if (atMs > this.lastSent) this.lastSent = atMs;
  }
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
