// One limiter per API key (bottleneck): a sustained budget and a burst cap, with the number of
// requests in flight following the observed latency (in flight ≈ rate × latency, with headroom).
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
}

const REQUEUE = Symbol('requeue');

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

  constructor(options: LimiterOptions) {
    const k = options.timeScale;
    // Both caps become a minimum spacing of starts; bottleneck books slots ahead (next = slot +
    // minTime), so timer lateness does not accumulate while enough requests are queued.
    const sustained = 3_600_000 / (options.ratePerHour * k);
    // 5 % over 1/burst so that network jitter cannot put burst + 1 starts in one second.
    const burst = (1000 * 1.05) / (options.burstPerSecond * k);
    this.intervalMs = Math.max(sustained, burst);
    this.fixedInFlight = options.maxInFlight;
    this.inFlightCap = options.maxInFlight ?? Math.max(4, options.burstPerSecond);
    this.bottleneck = new Bottleneck({ minTime: this.intervalMs, maxConcurrent: this.inFlightCap });
  }

  /** Current cap on requests booked or in flight. */
  get maxInFlight(): number {
    return this.inFlightCap;
  }

  /** Runs `send` in the next free slot; while the key is paused, slots are given up and re-booked. */
  async schedule<T>(send: () => Promise<T>): Promise<T> {
    for (;;) {
      await sleep(this.pausedUntil - Date.now());
      const result = await this.bottleneck.schedule(async (): Promise<T | typeof REQUEUE> => (Date.now() < this.pausedUntil ? REQUEUE : send()));
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
    // Little's law: in flight = rate × latency; mean + 3 deviations covers the log-normal tail,
    // +2 for requests booked but not yet started.
    const target = Math.min(512, Math.max(2, Math.ceil((this.latencyMean + 3 * this.latencyDev) / this.intervalMs) + 2));
    if (target !== this.inFlightCap) {
      this.inFlightCap = target;
      this.bottleneck.updateSettings({ maxConcurrent: target });
    }
  }

  async stop(): Promise<void> {
    await this.bottleneck.stop({ dropWaitingJobs: false });
  }
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
