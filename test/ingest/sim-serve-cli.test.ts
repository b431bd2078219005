// `bench serve eia` prints its URL, serves real EIA-shaped answers there, and on SIGINT closes
// cleanly with exit 0; bad --rate / --faults / --time-scale / --port values are usage errors naming the flag.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serveOptions } from '../../src/bench/commands/serve.ts';
import { measurePageCost, parseFaults, parseRate } from '../../src/ingest/sim/index.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));

describe('bench serve eia', () => {
  it('prints a JSON line with its URL, answers there, and exits 0 on SIGINT with its stats', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'serve', 'eia', '--port', '0', '--json', '--time-scale', '100', '--latency-ms', '0', '--seed', '2'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = JSON.parse(String((await lines.next()).value)) as { event: string; url: string; seed: number };
    expect(first).toMatchObject({ event: 'listening', seed: 2 });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/$/);
    const res = await fetch(
      `${first.url}electricity/rto/region-data/data/?api_key=k&data[0]=value` +
        '&facets[respondent][]=PACW&start=2023-01-01&end=2023-01-01',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ response: { total: '4' } });
    child.kill('SIGINT');
    const closed = JSON.parse(String((await lines.next()).value)) as {
      event: string;
      stats: { requests: number; rowsServed: number };
    };
    expect(closed).toMatchObject({ event: 'closed', stats: { requests: 1, rowsServed: 4 } });
    expect(await exited).toBe(0);
  });

  it('exits 2 on a bad --rate, naming the flag, before it listens', () => {
    const r = spawnSync(process.execPath, [bin, 'serve', 'eia', '--rate', '5000/day'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--rate');
    expect(r.stdout).toBe('');
  });

  it.each([
    ['5000/h', 5000],
    ['90/min', 5400],
    ['2/s', 7200],
    ['0.5/s', 1800],
    ['unlimited', 0],
  ])('reads --rate %s as %d requests per hour', (text, perHour) => {
    expect(parseRate(text)).toBe(perHour);
  });

  it.each(['5000/day', 'fast', '-5/h', '0/h', '5000'])('rejects --rate %j with a usage error naming --rate', (text) => {
    expect(() => parseRate(text)).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringContaining('--rate') }),
    );
  });

  it('reads --faults pairs and rejects unknown names, bad probabilities and sums over 1', () => {
    expect(parseFaults('5xx=0.1,reset=0.02,truncated=0.01,stall=0.01')).toEqual({
      http5xx: 0.1,
      reset: 0.02,
      truncated: 0.01,
      stall: 0.01,
    });
    expect(parseFaults('')).toEqual({});
    for (const bad of ['5xx=2', 'meteor=0.1', 'reset', 'stall=0.6,reset=0.6']) {
      expect(() => parseFaults(bad), bad).toThrow(
        expect.objectContaining({ exitCode: 2, message: expect.stringContaining('--faults') }),
      );
    }
  });

  it('rejects a bad --time-scale and --port naming the flag', () => {
    const base = {
      source: 'eia',
      host: '127.0.0.1',
      port: 0,
      rate: '5000/h',
      burst: 5,
      'time-scale': 1,
      faults: '',
      'latency-ms': 0,
      seed: 1,
      keys: undefined,
      measure: false,
    };
    expect(() => serveOptions({ ...base, 'time-scale': 0 })).toThrow(/--time-scale/);
    expect(() => serveOptions({ ...base, port: 70_000 })).toThrow(/--port/);
    expect(serveOptions({ ...base, keys: 'a,b' })).toMatchObject({ validKeys: ['a', 'b'], rateLimitPerHour: 5000 });
  });

  it('--measure times real 5,000-row pages of both routes', async () => {
    const costs = await measurePageCost(50);
    expect(costs.map((c) => c.route)).toEqual(['region-data', 'fuel-type-data']);
    for (const c of costs) {
      expect(c.samples).toBeGreaterThan(0);
      expect(c.rowsPerSecond).toBeCloseTo(5000 / (c.pageMsMean / 1000), 6);
    }
  });
});
