// The simulated API gateway's rate limit, per key: a token bucket (capacity = burst, refilled at
// budget/3600 per second) plus at most `burst` requests in any 1-s window; both scaled by k.

export type Admission = { kind: 'admitted' } | { kind: 'limited'; retryAfterMs: number };

interface KeyState {
  tokens: number;
  updated: number;
  /** Admission times (ms) inside the current window, oldest first. */
  recent: number[];
}

export class RateGate {
  private readonly keys = new Map<string, KeyState>();
  private readonly refillPerMs: number;
  private readonly windowMs: number;

  constructor(
    private readonly perHour: number,
    private readonly burst: number,
    timeScale: number,
  ) {
    this.refillPerMs = (perHour * timeScale) / 3_600_000;
    this.windowMs = 1000 / timeScale;
  }

  /** Admits a request of `key` at time `now` (ms, monotonic) or says how long to wait. */
  admit(key: string, now: number): Admission {
    if (this.perHour === 0) return { kind: 'admitted' };
    const s = this.state(key, now);
    s.tokens = Math.min(this.burst, s.tokens + (now - s.updated) * this.refillPerMs);
    s.updated = now;
    while (s.recent.length > 0 && (s.recent[0] ?? 0) <= now - this.windowMs) s.recent.shift();
    const windowFull = s.recent.length >= this.burst;
    if (s.tokens >= 1 && !windowFull) {
      s.tokens -= 1;
      s.recent.push(now);
      return { kind: 'admitted' };
    }
    const forToken = s.tokens >= 1 ? 0 : (1 - s.tokens) / this.refillPerMs;
    const forWindow = windowFull ? (s.recent[0] ?? now) + this.windowMs - now : 0;
    return { kind: 'limited', retryAfterMs: Math.max(forToken, forWindow) };
  }

  private state(key: string, now: number): KeyState {
    let s = this.keys.get(key);
    if (s === undefined) {
      s = { tokens: this.burst, updated: now, recent: [] };
      this.keys.set(key, s);
    }
    return s;
  }
}

/**
 * Retry-After in seconds: a whole number (>= 1) at k = 1 as HTTP defines it; with a time scale the
 * scaled wait is sent as decimal seconds (e.g. `0.072`) so clients can honour it exactly.
 */
export function formatRetryAfter(ms: number, timeScale: number): string {
  if (timeScale === 1) return String(Math.max(1, Math.ceil(ms / 1000)));
  return String(Math.max(0.001, Math.ceil(ms) / 1000));
}
