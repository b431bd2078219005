// The retry policy: transient faults retry a bounded number of times with jittered exponential
// backoff, throttling waits out Retry-After, and fatal errors are never retried.
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  EiaKeyError,
  EiaThrottledError,
  EiaTransientError,
  withRetries,
  type RetryPolicy,
} from '../../src/ingest/index.ts';

const policy: RetryPolicy = { maxAttempts: 4, maxThrottled: 5, baseDelayMs: 2, maxDelayMs: 20, random: () => 1 };

describe('withRetries', () => {
  it('retries transient faults, then returns the first success', async () => {
    let calls = 0;
    const delays: number[] = [];
    const got = await withRetries(
      async () => {
        if (++calls < 3) throw new EiaTransientError('http5xx', 'boom');
        return 'rows';
      },
      policy,
      { onRetry: (_e, _n, ms) => delays.push(ms) },
    );
    expect(got).toBe('rows');
    expect(calls).toBe(3);
    expect(delays).toEqual([2, 4]); // base·2^(n-1) at jitter 1
  });

  it('gives up after maxAttempts transient faults with the last error', async () => {
    let calls = 0;
    const error = await withRetries(async () => {
      calls++;
      throw new EiaTransientError('timeout', 'slow');
    }, policy).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(error).toMatchObject({ code: 'EIA_TIMEOUT' });
  });

  it('never retries a fatal error', async () => {
    let calls = 0;
    const error = await withRetries(async () => {
      calls++;
      throw new EiaKeyError('invalid', 'region-data');
    }, policy).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(EiaKeyError);
  });

  it('pauses for Retry-After when throttled', async () => {
    const pauses: number[] = [];
    let calls = 0;
    const started = Date.now();
    await withRetries(
      async () => {
        if (++calls === 1) throw new EiaThrottledError('region-data', 429, 30);
        return 1;
      },
      policy,
      { onThrottle: (ms) => pauses.push(ms) },
    );
    expect(pauses).toEqual([30]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('caps the backoff and keeps it within [0, cap]', () => {
    expect(backoffDelay({ ...policy, random: () => 1 }, 10)).toBe(20);
    expect(backoffDelay({ ...policy, random: () => 0 }, 3)).toBe(0);
  });
});
