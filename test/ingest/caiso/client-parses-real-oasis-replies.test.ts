// The CAISO client meets the real recorded OASIS replies (test/fixtures/caiso) through nock: the
// 5-minute ENE_SLRS ZIP becomes hourly means, the INVALID_REQUEST ZIP is "no data", and the 429
// page is waited out and retried on the shared limiter.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CaisoClient,
  CaisoWindowFetcher,
  defaultRetryPolicy,
  KeyLimiter,
  parseHour,
  planCaiso,
  readPayload,
  RunStats,
  type CaisoQuery,
} from '../../../src/ingest/index.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/caiso/${name}`, import.meta.url));
const hour = (text: string): number => parseHour(text) ?? Number.NaN;
const ORIGIN = 'https://oasis.caiso.com';
const SLRS: CaisoQuery = {
  run: { report: 'ENE_SLRS', marketRun: 'RTM' },
  startMs: hour('2023-01-01T01'),
  endMs: hour('2023-01-03T00'),
};

describe('CAISO client on recorded OASIS replies', () => {
  const client = new CaisoClient({ baseUrl: `${ORIGIN}/oasisapi`, timeoutMs: 10_000 });
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await client.close();
  });

  it('asks SingleZip with the report, version, market run, OASIS datetimes and resultformat 6', () => {
    const p = client.url(SLRS).searchParams;
    expect(client.url(SLRS).pathname).toBe('/oasisapi/SingleZip');
    expect(Object.fromEntries(p)).toEqual({
      queryname: 'ENE_SLRS',
      version: '1',
      market_run_id: 'RTM',
      startdatetime: '20230101T00:00-0000',
      enddatetime: '20230103T00:00-0000',
      resultformat: '6',
    });
  });

  it('reads all 38,592 five-minute rows of the ENE_SLRS ZIP into 3,216 hourly rows', async () => {
    // Counted with Python's csv module: 38,592 data rows (576 intervals × 67 zone-items), 3,216 zone-item-hours.
    nock(ORIGIN).get('/oasisapi/SingleZip').query(true).reply(200, fixture('ENE_SLRS_RTM_2023-01-01_2023-01-02.zip'), {
      'content-type': 'application/x-zip-compressed',
    });
    const reply = await client.fetchReport(SLRS);
    if (reply.kind !== 'rows') throw new Error(`expected rows, got ${reply.kind}`);
    expect(reply.csvRows).toBe(38_592);
    expect(reply.outside).toBe(0);
    expect(reply.rows.length).toBe(3216);
    expect([...reply.intervals.subarray(0, reply.rows.length)].every((n) => n === 12)).toBe(true);
    expect(reply.rows.dicts.units.values).toEqual(['megawatthours']);
  });

  it('gives TAC_NORTH generation as the hour-ending mean of its twelve intervals', async () => {
    nock(ORIGIN).get('/oasisapi/SingleZip').query(true).reply(200, fixture('ENE_SLRS_RTM_2023-01-01_2023-01-02.zip'));
    const reply = await client.fetchReport(SLRS);
    if (reply.kind !== 'rows') throw new Error(`expected rows, got ${reply.kind}`);
    const { rows } = reply;
    const north = rows.dicts.respondent.values.indexOf('TAC_NORTH');
    const gen = rows.dicts.series.values.indexOf('ENE_SLRS:RTM:TOT_GEN_MW');
    const byHour = new Map<number, number>();
    for (let i = 0; i < rows.length; i++)
      if (rows.respondent[i] === north && rows.series[i] === gen)
        byHour.set(rows.period[i] ?? 0, rows.value[i] ?? Number.NaN);
    expect(byHour.size).toBe(48);
    // Hourly sums of MW over the 12 intervals, from Python: 121,588.45 / 103,914.75 / 146,760.45 MW.
    const tol = 1e-9; // absolute, MW: the mean of 12 two-decimal numbers, summed in sorted order
    expect(Math.abs((byHour.get(hour('2023-01-01T01')) ?? 0) * 12 - 121_588.45)).toBeLessThan(1e-6);
    expect(Math.abs((byHour.get(hour('2023-01-01T14')) ?? 0) - 8659.5625)).toBeLessThan(tol);
    expect(Math.abs((byHour.get(hour('2023-01-03T00')) ?? 0) - 12_230.0375)).toBeLessThan(tol);
    // Rows arrive unsorted; the result is sorted by period.
    expect([...rows.period.subarray(0, rows.length)].every((p, i, a) => i === 0 || (a[i - 1] ?? 0) <= p)).toBe(true);
  });

  it('classifies the INVALID_REQUEST ZIP (ERR_CODE 1001) as no data', async () => {
    const zip = fixture('SLD_RTO_invalid-request-1001.zip');
    expect(readPayload(zip)).toMatchObject({
      kind: 'error',
      member: 'INVALID_REQUEST.xml',
      errCode: '1001',
      description: 'Invalid Parameters of the given report name',
    });
    nock(ORIGIN).get('/oasisapi/SingleZip').query(true).reply(200, zip);
    const reply = await client.fetchReport({
      run: { report: 'SLD_FCST', marketRun: 'RTM' },
      startMs: SLRS.startMs,
      endMs: SLRS.endMs,
    });
    expect(reply).toMatchObject({ kind: 'no-data', errCode: '1001' });
  });

  it('waits out the 429 page and retries, counting the throttled request', async () => {
    const timeScale = 100; // "after 5 seconds" → 50 ms; one request per 50 ms
    const scoped = new CaisoClient({ baseUrl: `${ORIGIN}/oasisapi`, timeoutMs: 10_000, timeScale });
    const limiter = new KeyLimiter({ ratePerHour: 720, burstPerSecond: 1, timeScale });
    const stats = new RunStats();
    const fetcher = new CaisoWindowFetcher(scoped, limiter, defaultRetryPolicy(timeScale), stats);
    const scope = nock(ORIGIN)
      .get('/oasisapi/SingleZip')
      .query(true)
      .reply(429, fixture('error-429-body.txt'))
      .get('/oasisapi/SingleZip')
      .query(true)
      .reply(200, fixture('ENE_SLRS_RTM_2023-01-01_2023-01-02.zip'));
    const [window] = planCaiso({ runs: [SLRS.run], startMs: SLRS.startMs, endMs: SLRS.endMs }).windows;
    if (window === undefined) throw new Error('no window');
    const started = Date.now();
    const got = await fetcher.fetch(window);
    scope.done();
    expect(got.kind).toBe('rows');
    expect(stats.byOutcome.throttled).toBe(1);
    expect(stats.byOutcome.ok).toBe(1);
    expect(stats.retries).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45); // the body's 5 s ÷ k, less timer granularity
    await limiter.stop();
    await scoped.close();
  });
});
