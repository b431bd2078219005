// The EIA client meets the real recorded responses (test/fixtures/eia) through nock: row counts,
// string values, the echoed key never surfacing, and the 403 / 500 error bodies classified.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  EiaClient,
  EiaKeyError,
  EiaNotFoundError,
  newDicts,
  parseHour,
  type PageQuery,
} from '../../src/ingest/index.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/eia/${name}`, import.meta.url), 'utf8');
const BASE = 'https://api.eia.gov/v2/';
const SECRET = 'k3y-that-must-never-show-5f2a9c';

const query = (route: PageQuery['route'], series: string[]): PageQuery => ({
  route,
  respondents: ['PACW'],
  series,
  startMs: parseHour('2023-01-01T00') ?? 0,
  endMs: parseHour('2023-01-08T00') ?? 0,
  offset: 0,
});

describe('EIA client on recorded responses', () => {
  const client = new EiaClient({ baseUrl: BASE, apiKey: SECRET, timeoutMs: 5000 });
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await client.close();
  });

  it('parses 169 demand rows with string values into columns', async () => {
    const scope = nock('https://api.eia.gov')
      .get('/v2/electricity/rto/region-data/data/')
      .query(true)
      .reply(200, fixture('region-data_PACW_D_2023-01-01_2023-01-08.json'));
    const page = await client.fetchPage(query('region-data', ['D']), newDicts());
    scope.done();
    expect(page.total).toBe(169);
    expect(page.rows.length).toBe(169);
    expect(page.apiVersion).toBe('2.1.8');
    expect(page.rows.period[0]).toBe(Date.UTC(2023, 0, 1, 0));
    expect(page.rows.period[168]).toBe(Date.UTC(2023, 0, 8, 0));
    expect(page.rows.value[0]).toBe(2455);
    expect(page.rows.dicts.series.values).toEqual(['D']);
    expect(page.rows.dicts.units.values).toEqual(['megawatthours']);
  });

  it('parses 845 fuel rows (5 fuels × 169 hours), negative values included', async () => {
    nock('https://api.eia.gov')
      .get('/v2/electricity/rto/fuel-type-data/data/')
      .query(true)
      .reply(200, fixture('fuel-type-data_PACW_2023-01-01_2023-01-08.json'));
    const page = await client.fetchPage(query('fuel-type-data', []), newDicts());
    expect(page.total).toBe(845);
    expect(page.rows.length).toBe(845);
    expect([...page.rows.dicts.series.values].sort()).toEqual(['NG', 'OTH', 'SUN', 'WAT', 'WND']);
    expect(Math.min(...page.rows.value.subarray(0, 845))).toBeLessThan(0);
  });

  it('sends hour-precision bounds, the full-key sort, length 5000 and the key', async () => {
    let seen: URLSearchParams | undefined;
    nock('https://api.eia.gov')
      .get('/v2/electricity/rto/region-data/data/')
      .query((q) => {
        seen = new URLSearchParams(q as Record<string, string>);
        return true;
      })
      .reply(200, fixture('region-data_PACW_D_2023-01-01_2023-01-08.json'));
    await client.fetchPage(query('region-data', ['D']), newDicts());
    expect(seen?.get('start')).toBe('2023-01-01T00');
    expect(seen?.get('end')).toBe('2023-01-08T00');
    expect(seen?.get('length')).toBe('5000');
    expect(seen?.get('sort[2][column]')).toBe('type');
    expect(seen?.get('api_key')).toBe(SECRET);
  });

  it('turns the 403 invalid-key body into a fatal EiaKeyError that does not contain the key', async () => {
    nock('https://api.eia.gov').get(/.*/).query(true).reply(403, fixture('error-403-api-key-invalid.json'));
    const error = await client.fetchPage(query('region-data', ['D']), newDicts()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EiaKeyError);
    if (!(error instanceof EiaKeyError)) return;
    expect(error.code).toBe('EIA_API_KEY_INVALID');
    expect(error.retry).toBe('fatal');
    expect(error.message).toMatch(/invalid/);
    expect(`${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`).not.toContain(SECRET);
  });

  it('turns the unknown-route 500 ("Not found.", code 404) into a clear fatal error', async () => {
    nock('https://api.eia.gov').get(/.*/).query(true).reply(500, fixture('error-500-not-found.json'));
    const error = await client.fetchPage(query('region-data', ['D']), newDicts()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EiaNotFoundError);
    if (!(error instanceof EiaNotFoundError)) return;
    expect(error.code).toBe('EIA_ROUTE_NOT_FOUND');
    expect(error.retry).toBe('fatal');
    expect(error.message).toContain('region-data');
    expect(error.message).not.toContain(SECRET);
  });

  it('classifies 429, a 200 with an error key, and a truncated body', async () => {
    nock('https://api.eia.gov')
      .get(/.*/)
      .query(true)
      .reply(429, { error: { code: 'OVER_RATE_LIMIT', message: 'slow down' } }, { 'Retry-After': '2' });
    const throttled = await client.fetchPage(query('region-data', ['D']), newDicts()).catch((e: unknown) => e);
    expect(throttled).toMatchObject({ code: 'EIA_THROTTLED', retry: 'throttle', retryAfterMs: 2000 });

    nock('https://api.eia.gov')
      .get(/.*/)
      .query(true)
      .reply(200, { error: 'Invalid value for parameter "frequency".', code: 400 });
    const param = await client.fetchPage(query('region-data', ['D']), newDicts()).catch((e: unknown) => e);
    expect(param).toMatchObject({ code: 'EIA_BAD_PARAMETER', retry: 'fatal', parameter: 'frequency' });

    const body = fixture('region-data_PACW_D_2023-01-01_2023-01-08.json');
    nock('https://api.eia.gov')
      .get(/.*/)
      .query(true)
      .reply(200, body.slice(0, body.length / 2));
    const truncated = await client.fetchPage(query('region-data', ['D']), newDicts()).catch((e: unknown) => e);
    expect(truncated).toMatchObject({ code: 'EIA_TRUNCATED_BODY', retry: 'transient' });
  });

  it('rejects a row whose value is not numeric, naming the row path', async () => {
    const env = JSON.parse(fixture('region-data_PACW_D_2023-01-01_2023-01-08.json')) as {
      response: { data: { value: unknown }[] };
    };
    const row = env.response.data[3];
    if (row) row.value = 'n/a';
    nock('https://api.eia.gov').get(/.*/).query(true).reply(200, env);
    const error = await client.fetchPage(query('region-data', ['D']), newDicts()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EIA_MALFORMED_RESPONSE' });
    expect(String(error)).toContain('data[3].value');
  });
});
