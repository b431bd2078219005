// Injected faults reach a real HTTP client as the failures they imitate (5xx with a body, reset or
// cut connections, truncated JSON, stalls), at the configured rates and in a seed-determined order.
import { afterEach, describe, expect, it } from 'vitest';
import { startEiaSimServer, type EiaSimServer, type FaultRates } from '../../src/ingest/sim/index.ts';

let servers: EiaSimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

type Outcome = 'ok' | '5xx' | 'broken-json' | 'connection';

async function outcome(url: string): Promise<Outcome> {
  try {
    const res = await fetch(url);
    const text = await res.text();
    if (res.status === 502 || res.status === 503) return text.length > 0 ? '5xx' : 'ok';
    try {
      JSON.parse(text);
      return 'ok';
    } catch {
      return 'broken-json';
    }
  } catch {
    return 'connection'; // reset, declared length cut short, or a stall closed by the server
  }
}

const FAULTS: FaultRates = { http5xx: 0.1, reset: 0.05, truncated: 0.05, stall: 0.03 };
const N = 300;

async function run(seed: number): Promise<{ outcomes: Outcome[]; server: EiaSimServer }> {
  const server = await startEiaSimServer({
    seed,
    rateLimitPerHour: 0,
    latencyMedianMs: 0,
    timeScale: 2000,
    faults: FAULTS,
  });
  servers.push(server);
  const url =
    `${server.url}electricity/rto/fuel-type-data/data/?api_key=k&frequency=hourly&data[0]=value` +
    '&facets[respondent][]=CISO&start=2024-05-01T00&end=2024-05-03T23';
  const outcomes: Outcome[] = [];
  for (let i = 0; i < N; i++) outcomes.push(await outcome(url)); // sequential: request i is the i-th the server sees
  return { outcomes, server };
}

/** True when `count` is within 4.5 standard deviations of a Binomial(n, p) mean. */
function plausible(count: number, n: number, p: number): boolean {
  return Math.abs(count - n * p) <= 4.5 * Math.sqrt(n * p * (1 - p)) + 1;
}

const tally = (xs: Outcome[], o: Outcome): number => xs.filter((x) => x === o).length;

describe('simulated EIA fault injection', () => {
  it('injects each fault at its configured rate, and the client sees each as its failure', async () => {
    const { outcomes, server } = await run(11);
    const { faults, byStatus } = server.stats();
    for (const kind of ['http5xx', 'reset', 'truncated', 'stall'] as const) {
      expect(plausible(faults[kind], N, FAULTS[kind] ?? 0), `${kind}: ${faults[kind]} of ${N}`).toBe(true);
    }
    expect(tally(outcomes, '5xx')).toBe(faults.http5xx);
    expect((byStatus['502'] ?? 0) + (byStatus['503'] ?? 0)).toBe(faults.http5xx);
    const cut = tally(outcomes, 'broken-json') + tally(outcomes, 'connection');
    expect(cut).toBe(faults.reset + faults.truncated + faults.stall);
    expect(tally(outcomes, 'broken-json')).toBeGreaterThan(0); // a clean HTTP reply whose JSON stops midway
    expect(tally(outcomes, 'ok')).toBe(byStatus['200'] ?? 0);
  });

  it('repeats the same fault sequence for the same seed and a different one for another seed', async () => {
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b.outcomes).toEqual(a.outcomes);
    expect(c.outcomes).not.toEqual(a.outcomes);
  });

  it('closes promptly while a stalled request is still hanging', async () => {
    const server = await startEiaSimServer({ rateLimitPerHour: 0, latencyMedianMs: 0, faults: { stall: 1 } });
    const pending = outcome(`${server.url}electricity/rto/region-data/data/?api_key=k`);
    await new Promise((r) => setTimeout(r, 50));
    const t = performance.now();
    await server.close();
    expect(performance.now() - t).toBeLessThan(2000);
    expect(await pending).toBe('connection');
    expect(server.stats().faults.stall).toBe(1);
  });
});
