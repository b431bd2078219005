// `bench serve caiso` prints its OASIS base URL, answers SingleZip there with OASIS's limit by
// default, and on SIGINT closes with exit 0 and its stats; EIA-only flags are refused.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPayload } from '../../../src/ingest/index.ts';

const bin = fileURLToPath(new URL('../../../bin/bench.mjs', import.meta.url));

describe('bench serve caiso', () => {
  it('serves SingleZip at its printed URL at one request per 5 s ÷ k, and exits 0 on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'serve', 'caiso', '--json', '--time-scale', '10', '--latency-ms', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = JSON.parse(String((await lines.next()).value)) as {
      event: string;
      url: string;
      ratePerHour: number;
      burstPerSecond: number;
    };
    expect(first).toMatchObject({ event: 'listening', ratePerHour: 720, burstPerSecond: 1 });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oasisapi$/);
    const query =
      'queryname=SLD_REN_FCST&version=1&market_run_id=DAM' +
      '&startdatetime=20240601T00:00-0000&enddatetime=20240602T00:00-0000&resultformat=6';
    const [a, b] = [await fetch(`${first.url}/SingleZip?${query}`), await fetch(`${first.url}/SingleZip?${query}`)];
    expect(a.status).toBe(200);
    expect(readPayload(new Uint8Array(await a.arrayBuffer()))).toMatchObject({ kind: 'csv' });
    expect(b.status).toBe(429); // within 500 ms (5 s ÷ 10) of the first
    child.kill('SIGINT');
    const closed = JSON.parse(String((await lines.next()).value)) as {
      event: string;
      stats: { requests: number; rateLimited: number; rowsServed: number };
    };
    expect(closed).toMatchObject({ event: 'closed', stats: { requests: 2, rateLimited: 1, rowsServed: 24 * 3 * 2 } });
    expect(await exited).toBe(0);
  });

  it('refuses --keys (OASIS has no keys) with exit 2 before it listens', () => {
    const r = spawnSync(process.execPath, [bin, 'serve', 'caiso', '--keys', 'a'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--keys');
    expect(r.stdout).toBe('');
  });
});
