// The adaptive part of the gap between request starts for a budget with bursts of one (CAISO
// OASIS): it grows after each 429 and decays slowly back to its floor while requests go through,
// and never drops below what this machine's scheduling delays say the arrival jitter may be.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface AdaptiveMarginOptions {
  /** Wall ms added to the server's interval when nothing was throttled (not scaled by k). */
  readonly floorMs: number;
  /** Most wall ms it may grow to. */
  readonly maxMs: number;
  /** After each request sent, the excess over the floor shrinks by this factor (0..1). */
  readonly decayPerRequest: number;
  /**
   * Also keep the margin ≥ this percentile of the event loop's delay over the recent requests
   * (undefined: off). On a loaded machine a process's wake-ups come late; a server on the same
   * machine (the twin) stamps arrivals late by the same kind of delay, so this bounds the jitter
   * before any 429 is seen.
   */
  readonly loopDelayPercentile?: number;
}

/** Requests over which the loop-delay histogram is kept before it starts afresh. */
const LOOP_WINDOW_REQUESTS = 16;

/**
 * With a bucket of one there is nothing to absorb arrival jitter: a request that reaches the
 * server a few ms early is a 429. The jitter depends on the machine's load, which the client
 * cannot know in advance, so it learns it: each 429 doubles the margin (at least + floor), and each
 * request sent takes back a small fraction of the excess, so the margin stays near the jitter's
 * tail instead of paying the worst case for the whole run.
 */
export class AdaptiveMargin {
  private current: number;
  private readonly loop: IntervalHistogram | undefined;
  private loopMs = 0;
  private sent = 0;

  constructor(private readonly options: AdaptiveMarginOptions) {
    this.current = options.floorMs;
    if (options.loopDelayPercentile !== undefined) {
      this.loop = monitorEventLoopDelay({ resolution: 5 });
      this.loop.enable();
    }
  }

  /** The margin to add now, wall ms. */
  get ms(): number {
    return Math.max(this.current, this.loopMs);
  }

  /** Stops the event-loop monitor. */
  stop(): void {
    this.loop?.disable();
  }

  /** The server throttled a request: the gap was too short for this machine's jitter. */
  grow(): void {
    this.current = Math.min(this.options.maxMs, Math.max(2 * this.current, this.current + this.options.floorMs));
  }

  /** A request left without being throttled so far: decay towards the floor. */
  decay(): void {
    const { floorMs, decayPerRequest, loopDelayPercentile } = this.options;
    this.current = floorMs + (this.current - floorMs) * decayPerRequest;
    if (this.loop !== undefined && loopDelayPercentile !== undefined && this.loop.count > 0) {
      // ns → ms; the histogram counts only delays beyond the 5 ms sampling resolution.
      this.loopMs = this.loop.percentile(loopDelayPercentile) / 1e6;
      if (++this.sent % LOOP_WINDOW_REQUESTS === 0) this.loop.reset();
    }
  }
}
