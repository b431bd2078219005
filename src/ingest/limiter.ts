// One limiter per API key (bottleneck): a sustained budget and a burst cap, with the number of
// requests in flight following the observed latency (in flight ≈ rate × latency, with headroom).
import { performance } from 'node:perf_hooks';
import Bottleneck from 'bottleneck';

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
}

const REQUEUE = Symbol('requeue');
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

  constructor(options: LimiterOptions) {
    const k = options.timeScale;
    // Both caps become a minimum spacing of starts; bottleneck books slots ahead (next = slot +
    // minTime), so timer lateness does not accumulate while enough requests are queued.
    // Send at 99 % of the budget: at exactly 100 % the server's bucket sits empty and any jitter
    // in arrival times (a late event loop) becomes a 429; the 1 % lets it refill to absorb that.
    const margin = options.marginMs ?? 0;
    const sustained = 3_600_000 / (options.ratePerHour * HEADROOM * k) + margin;
    // 5 % over 1/burst so that network jitter cannot put burst + 1 starts in one second.
    const burst = (1000 * 1.05) / (options.burstPerSecond * k);
    this.intervalMs = Math.max(sustained, burst);
    this.fixedInFlight = options.maxInFlight;
    this.inFlightCap = options.maxInFlight ?? Math.max(4, options.burstPerSecond);
    this.bottleneck = new Bottleneck({ minTime: this.intervalMs, maxConcurrent: this.inFlightCap });
    this.gate = new SendGate(3_600_000 / sustained, options.burstPerSecond, k);
  }

  /** Current cap on requests booked or in flight. */
  get maxInFlight(): number {
    return this.inFlightCap;
  }

  /** Runs `send` in the next free slot; while the key is paused, slots are given up and re-booked. */
  async schedule<T>(send: () => Promise<T>): Promise<T> {
    for (;;) {
      await sleep(this.pausedUntil - Date.now());
      const result = await this.bottleneck.schedule(async (): Promise<T | typeof REQUEUE> => {
        await this.gate.admit();
        return Date.now() < this.pausedUntil ? REQUEUE : send();
      });
      if (result !== REQUEUE) return result;
    }
  }

  /** The server throttled the key: no request of this key starts for `ms`. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
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
    const target = Math.min(512, Math.max(4, Math.ceil((1.5 * (this.latencyMean + 3 * this.latencyDev)) / this.intervalMs) + 3));
    if (target !== this.inFlightCap) {
      this.inFlightCap = target;
      this.bottleneck.updateSettings({ maxConcurrent: target });
    }
  }

  async stop(): Promise<void> {
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

  constructor(scaledPerHour: number, private readonly burst: number, timeScale: number) {
    this.refillPerMs = scaledPerHour / 3_600_000;
    // Two tokens of catch-up (not the server's five): at full rate the server's bucket is near empty,
    // so a burst arriving more than ~(server capacity − ours) intervals bunched up would be refused.
    this.capacity = Math.max(1, Math.min(2, burst - 1));
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
      const wait = Math.max(forToken, forWindow);
      if (wait <= 0) {
        this.tokens -= 1;
        this.recent.push(now);
        return;
      }
      await sleep(wait);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
