// The simulated gateway limits each key like EIA's: a burst cap, then a sustained budget, answered
// with 429 OVER_RATE_LIMIT and a Retry-After (seconds ÷ time scale) that, honoured, gets through.
import { afterEach, describe, expect, it } from 'vitest';
import { startEiaSimServer, type EiaSimOptions, type EiaSimServer } from '../../src/ingest/sim/index.ts';

let server: EiaSimServer | undefined;
afterEach(() => server?.close());

async function start(options: EiaSimOptions): Promise<EiaSimServer> {
  server = await startEiaSimServer({ latencyMedianMs: 0, ...options });
  return server;
}

function url(s: EiaSimServer, key = 'k1'): string {
  return (
    `${s.url}electricity/rto/region-data/data/?api_key=${key}&frequency=hourly&data[0]=value` +
    '&facets[respondent][]=PACW&facets[type][]=D&start=2023-01-01T00&end=2023-01-01T03'
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('simulated EIA rate limit', () => {
  it('admits a burst of 5 and answers the rest with 429 OVER_RATE_LIMIT and a whole-second Retry-After', async () => {
    // one token per 10 s: none refills during the burst
    const s = await start({ rateLimitPerHour: 360, burstPerSecond: 5 });
    const replies = await Promise.all(Array.from({ length: 8 }, () => fetch(url(s))));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const limited = replies.find((r) => r.status === 429);
    expect(limited?.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await limited?.json()).toMatchObject({ error: { code: 'OVER_RATE_LIMIT' } });
    expect(s.stats().rateLimited).toBe(3);
    // Another key has its own budget.
    expect((await fetch(url(s, 'k2'))).status).toBe(200);
  });

  it('holds a client that ignores the budget to burst + rate × elapsed, and lets it in after Retry-After', async () => {
    const k = 20; // 5000/h × 20 ≈ 27.8 requests/s; burst window 50 ms
    const s = await start({ rateLimitPerHour: 5000, burstPerSecond: 5, timeScale: k });
    const t0 = performance.now();
    let admitted = 0;
    let retryAfter = '';
    const worker = async (): Promise<void> => {
      while (performance.now() - t0 < 1500) {
        const res = await fetch(url(s));
        await res.arrayBuffer();
        if (res.status === 200) admitted++;
        else retryAfter = res.headers.get('retry-after') ?? '';
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]); // several in flight, as a greedy client would
    const elapsedS = (performance.now() - t0) / 1000;
    const ceiling = 5 + ((5000 * k) / 3600) * elapsedS;
    expect(admitted).toBeLessThanOrEqual(Math.ceil(ceiling));
    expect(admitted).toBeGreaterThanOrEqual(Math.floor(0.8 * ceiling));
    expect(s.stats().rateLimited).toBeGreaterThan(0);
    const wait = Number(retryAfter);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(3600 / 5000 / k + 1e-3); // one token's refill, scaled
    await sleep(wait * 1000 + 5);
    expect((await fetch(url(s))).status).toBe(200);
  });

  it('never answers 429 to a client pacing itself under the budget', async () => {
    const k = 10; // ≈ 13.9 requests/s
    const s = await start({ rateLimitPerHour: 5000, burstPerSecond: 5, timeScale: k });
    const gapMs = 3_600_000 / (5000 * k) / 0.9;
    for (let i = 0; i < 25; i++) {
      await sleep(gapMs); // spacing from the last reply: a stalled event loop can only slow the client down
      const res = await fetch(url(s));
      await res.arrayBuffer();
      expect(res.status, `request ${i}`).toBe(200);
    }
    expect(s.stats().rateLimited).toBe(0);
  });

  it('does not limit at all with rateLimitPerHour 0', async () => {
    const s = await start({ rateLimitPerHour: 0 });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(url(s)).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it('spreads response times log-normally around the median ÷ time scale', async () => {
    const s = await startEiaSimServer({ rateLimitPerHour: 0, latencyMedianMs: 1000, timeScale: 10 });
    server = s;
    const times = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const t = performance.now();
        await (await fetch(url(s))).arrayBuffer();
        return performance.now() - t;
      }),
    );
    times.sort((a, b) => a - b);
    const median = times[15] ?? 0;
    // 4-row pages: median 0.85 × 100 ms; loaded CI machines add queueing on top, never subtract.
    expect(median).toBeGreaterThan(60);
    expect(median).toBeLessThan(250);
    expect((times[27] ?? 0) / (times[2] ?? 1)).toBeGreaterThan(1.3); // a spread, not a fixed delay
  });
});
