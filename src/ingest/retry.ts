// Retry policy for one request: bounded retries with exponential backoff and full jitter for
// transient faults; throttling pauses the whole key (Retry-After) and retries; fatal errors stop.
import { EiaError, EiaThrottledError, EiaTransientError } from './errors.ts';
import { sleep } from './limiter.ts';

export interface RetryPolicy {
  /** Attempts for transient faults (5xx, reset, truncated, timeout), first one included. */
  readonly maxAttempts: number;
  /** Attempts allowed while throttled before giving up. */
  readonly maxThrottled: number;
  /** Backoff base and cap, ms of wall time (already divided by the time scale). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random?: () => number;
}

export function defaultRetryPolicy(timeScale: number): RetryPolicy {
  return { maxAttempts: 8, maxThrottled: 30, baseDelayMs: 500 / timeScale, maxDelayMs: 30_000 / timeScale };
}

export interface RetryHooks {
  /** A retry is about to wait `delayMs` after `error` (attempt counts from 1). */
  readonly onRetry?: (error: EiaError, attempt: number, delayMs: number) => void;
  /** The key was throttled: pause every request for `ms`. */
  readonly onThrottle?: (ms: number) => void;
}

/** Full-jitter exponential backoff: uniform in [0, min(cap, base·2^(n-1))] (AWS architecture blog). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return (policy.random ?? Math.random)() * ceiling;
}

export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  let transient = 0;
  let throttled = 0;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const e =
        error instanceof EiaError
          ? error
          : new EiaTransientError('reset', `request failed: ${String(error)}`, { cause: error });
      if (e.retry === 'fatal') throw e;
      let delay: number;
      if (e.retry === 'throttle') {
        if (++throttled >= policy.maxThrottled) throw e;
        const retryAfter = e instanceof EiaThrottledError ? e.retryAfterMs : undefined;
        delay = retryAfter ?? Math.max(policy.baseDelayMs, backoffDelay(policy, throttled));
        hooks.onThrottle?.(delay);
      } else {
        if (++transient >= policy.maxAttempts) throw e;
        delay = backoffDelay(policy, transient);
      }
      hooks.onRetry?.(e, transient + throttled, delay);
      await sleep(delay);
    }
  }
}
