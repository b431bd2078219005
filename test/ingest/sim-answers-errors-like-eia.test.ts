// The simulated server's errors have the real API's statuses and bodies: 403 API_KEY_MISSING /
// API_KEY_INVALID, 400 {"error","code":400} naming the bad parameter, and HTTP 500 "Not found."
// (code 404) for unknown routes.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEiaSimServer, type EiaSimServer } from '../../src/ingest/sim/index.ts';

let server: EiaSimServer;
beforeAll(async () => {
  server = await startEiaSimServer({ rateLimitPerHour: 0, latencyMedianMs: 0, validKeys: ['good-key'] });
});
afterAll(() => server.close());

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/eia/${name}`, import.meta.url), 'utf8'));
const REGION = 'electricity/rto/region-data/data/';

async function call(path: string, params: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}?${params}`);
  return { status: res.status, body: await res.json() };
}

describe('simulated EIA error answers', () => {
  it('answers a missing key with 403 API_KEY_MISSING and a wrong key with the real API_KEY_INVALID body', async () => {
    const missing = await call(REGION, 'frequency=hourly');
    expect(missing.status).toBe(403);
    expect(missing.body).toMatchObject({ error: { code: 'API_KEY_MISSING' } });
    const invalid = await call(REGION, 'api_key=wrong&frequency=hourly');
    expect(invalid.status).toBe(403);
    expect(invalid.body).toEqual(fixture('error-403-api-key-invalid.json'));
    expect(JSON.stringify(invalid.body)).not.toContain('wrong');
  });

  it('answers an unknown route with HTTP 500 and the real "Not found." body', async () => {
    const res = await call('electricity/wholesale-prices/data/', 'api_key=good-key&frequency=hourly');
    expect(res.status).toBe(500);
    expect(res.body).toEqual(fixture('error-500-not-found.json'));
  });

  it.each([
    ['start=2023-13-01T00', 'start'],
    ['start=2023-02-29', 'start'],
    ['end=2023-01-01T24', 'end'],
    ['end=2023/01/01', 'end'],
    ['start=2023-01-02T00&end=2023-01-01T23', 'start'],
    ['length=5001', 'length'],
    ['length=-1', 'length'],
    ['offset=ten', 'offset'],
    ['facets[fueltype][]=NG', "facet 'fueltype'"],
    ['frequency=daily', 'frequency'],
    ['sort[0][column]=period&sort[0][direction]=up', 'sort[0][direction]'],
    ['sort[0][column]=value', 'sort[0][column]'],
    ['data[0]=price', 'data[0]'],
  ])('answers %s with 400 naming %s', async (params, named) => {
    const res = await call(REGION, `api_key=good-key&${params.replaceAll('[', '%5B').replaceAll(']', '%5D')}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400 });
    const message = (res.body as { error: unknown }).error;
    expect(typeof message).toBe('string');
    expect(String(message)).toContain(named);
    expect(String(message)).not.toContain('good-key');
  });

  it('refuses methods other than GET with 405', async () => {
    const res = await fetch(`${server.url}${REGION}?api_key=good-key`, { method: 'POST' });
    expect(res.status).toBe(405);
  });
});
