// The simulated server answers EIA v2 data queries as the real API does: envelope and row shapes
// of the recorded responses, string totals and values, inclusive hour ranges, stable full-key
// paging with the "incomplete return" warning, and rows without a value when data[0] is absent.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedRows, simulatedTotal, startEiaSimServer, type EiaSimServer } from '../../src/ingest/sim/index.ts';

const FIVE = ['PACW', 'ERCO', 'CISO', 'MISO', 'PJM'];
const FUELS = ['COL', 'NG', 'NUC', 'OIL', 'OTH', 'SUN', 'WAT', 'WND'];
let server: EiaSimServer;

beforeAll(async () => {
  server = await startEiaSimServer({ rateLimitPerHour: 0, latencyMedianMs: 0, seed: 7 });
});
afterAll(() => server.close());

type Json = Record<string, unknown>;
interface Envelope {
  response: { total: unknown; dateFormat: string; frequency: string; data: Json[]; description: string };
  request: { command: string; params: Json };
  apiVersion: string;
  warnings?: { warning: string; description: string }[];
}

function query(route: string, params: Record<string, string | string[]>): string {
  const search = new URLSearchParams({ api_key: 'test-key', frequency: 'hourly', 'data[0]': 'value' });
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  }
  return `${server.url}electricity/rto/${route}/data/?${search}`;
}

async function get(url: string): Promise<Envelope> {
  const res = await fetch(url);
  expect(
    res.status,
    await res
      .clone()
      .text()
      .then((t) => t.slice(0, 300)),
  ).toBe(200);
  return (await res.json()) as Envelope;
}

const key = (r: Json): string =>
  `${String(r['period'])}|${String(r['respondent'])}|${String(r['type'] ?? r['fueltype'])}`;

describe('simulated EIA v2 data routes', () => {
  it('answers with the envelope and row fields of the recorded real responses', async () => {
    const real = JSON.parse(
      readFileSync(new URL('../fixtures/eia/fuel-type-data_PACW_2023-01-01_2023-01-08.json', import.meta.url), 'utf8'),
    ) as Envelope;
    const sim = await get(
      query('fuel-type-data', { 'facets[respondent][]': 'PACW', start: '2023-01-01', end: '2023-01-08' }),
    );
    expect(Object.keys(sim).sort()).toEqual(Object.keys(real).sort());
    expect(Object.keys(sim.response).sort()).toEqual(Object.keys(real.response).sort());
    expect(Object.keys(sim.response.data[0] ?? {})).toEqual(Object.keys(real.response.data[0] ?? {}));
    expect(sim.response.dateFormat).toBe(real.response.dateFormat);
    expect(sim.request.command).toBe(real.request.command);
    expect(typeof sim.response.total).toBe('string');
    expect(sim.response.data.every((r) => r['value'] === null || typeof r['value'] === 'string')).toBe(true);
    expect(sim.request.params['api_key']).toBe('test-key'); // echoed, as the real API does
    expect(sim.request.params['facets']).toEqual({ respondent: ['PACW'] });
  });

  it('treats start and end as inclusive hours and a date-only end as T00 of that day', async () => {
    const dateOnly = await get(
      query('region-data', {
        'facets[respondent][]': 'PACW',
        'facets[type][]': 'D',
        start: '2023-01-01',
        end: '2023-01-08',
      }),
    );
    const periods = dateOnly.response.data.map((r) => r['period']);
    expect(dateOnly.response.total).toBe(String(periods.length));
    expect(periods[0]).toBe('2023-01-01T00');
    expect(periods.at(-1)).toBe('2023-01-08T00');
    const truth = simulatedRows(7, 'region-data', ['PACW'], ['D'], '2023-01-01T00', '2023-01-08T00');
    expect(periods).toEqual(truth.map((r) => r.period));
    const hours = await get(
      query('region-data', {
        'facets[respondent][]': 'PACW',
        'facets[type][]': 'D',
        start: '2023-03-04T05',
        end: '2023-03-04T09',
      }),
    );
    expect(hours.response.data.map((r) => r['period'])).toEqual(
      simulatedRows(7, 'region-data', ['PACW'], ['D'], '2023-03-04T05', '2023-03-04T09').map((r) => r.period),
    );
    expect(hours.response.data.length).toBeGreaterThanOrEqual(4); // 5 hours, at most one absent
  });

  it(
    'pages a multi-page query by offset with stable order, string totals and the incomplete-return ' + 'warning',
    async () => {
      const params = {
        'facets[respondent][]': FIVE,
        start: '2024-01-01T00',
        end: '2024-03-31T23',
        'sort[0][column]': 'period',
        'sort[0][direction]': 'asc',
        'sort[1][column]': 'respondent',
        'sort[1][direction]': 'asc',
        'sort[2][column]': 'fueltype',
        'sort[2][direction]': 'asc',
      };
      const expected = simulatedTotal(7, 'fuel-type-data', FIVE, FUELS, '2024-01-01T00', '2024-03-31T23');
      const rows: Json[] = [];
      for (let offset = 0; ; offset += 5000) {
        const page = await get(query('fuel-type-data', { ...params, offset: String(offset), length: '5000' }));
        expect(page.response.total).toBe(String(expected));
        rows.push(...page.response.data);
        const more = offset + page.response.data.length < expected;
        expect(page.warnings?.[0]?.warning, `offset ${offset}`).toBe(more ? 'incomplete return' : undefined);
        if (!more) break;
        expect(page.response.data.length).toBe(5000);
      }
      expect(rows.length).toBe(expected);
      const keys = rows.map(key);
      expect(new Set(keys).size).toBe(rows.length);
      expect([...keys].sort()).toEqual(keys); // period, respondent, fueltype: all fixed-width or sorted codes
      const truth = simulatedRows(7, 'fuel-type-data', FIVE, FUELS, '2024-01-01T00', '2024-03-31T23');
      expect(rows.map((r) => [key(r), r['value']])).toEqual(
        truth.map((t) => [`${t.period}|${t.respondent}|${t.series}`, t.value === null ? null : String(t.value)]),
      );
    },
  );

  it('sorts period descending and respondents descending when asked, holding the same rows', async () => {
    const base = {
      'facets[respondent][]': ['ERCO', 'PACW'],
      'facets[type][]': ['D', 'TI'],
      start: '2022-06-01T00',
      end: '2022-06-02T23',
    };
    const asc = await get(query('region-data', base));
    const desc = await get(
      query('region-data', {
        ...base,
        'sort[0][column]': 'period',
        'sort[0][direction]': 'desc',
        'sort[1][column]': 'respondent',
        'sort[1][direction]': 'desc',
      }),
    );
    expect(desc.response.total).toBe(asc.response.total);
    const first = desc.response.data[0] ?? {};
    expect([first['period'], first['respondent']]).toEqual(['2022-06-02T23', 'PACW']);
    expect(desc.response.data.map(key).sort()).toEqual(asc.response.data.map(key).sort());
  });

  it('omits value and value-units from rows when data[0]=value is not asked for', async () => {
    const url = query('region-data', {
      'facets[respondent][]': 'PACW',
      start: '2023-01-01T00',
      end: '2023-01-01T02',
    }).replace('&data%5B0%5D=value', '');
    const body = await get(url);
    expect(body.response.data.length).toBeGreaterThan(0);
    for (const row of body.response.data) {
      expect(Object.keys(row)).toEqual(['period', 'respondent', 'respondent-name', 'type', 'type-name']);
    }
  });

  it(
    'returns 0 rows (HTTP 200) for unknown respondents such as SPP and CARO, and nothing before the data ' + 'starts',
    async () => {
      const none = await get(
        query('region-data', { 'facets[respondent][]': ['SPP', 'CARO'], start: '2023-01-01', end: '2023-01-02' }),
      );
      expect([none.response.total, none.response.data.length]).toEqual(['0', 0]);
      const early = await get(
        query('fuel-type-data', { 'facets[respondent][]': 'PACW', start: '2018-06-30T20', end: '2018-07-01T00' }),
      );
      expect(early.response.data.map((r) => r['period'])).not.toContain('2018-06-30T23');
      expect(early.response.data.every((r) => r['period'] === '2018-07-01T00')).toBe(true);
    },
  );

  it('keeps connections alive across requests', async () => {
    const before = server.stats().connections;
    for (let i = 0; i < 10; i++)
      await get(query('region-data', { 'facets[respondent][]': 'TVA', start: '2023-01-01T00', end: '2023-01-01T00' }));
    expect(server.stats().connections - before).toBeLessThanOrEqual(1);
  });

  it('honours length below 5000 and an offset past the end', async () => {
    const params = { 'facets[respondent][]': 'PJM', start: '2021-01-01T00', end: '2021-01-10T23' };
    const small = await get(query('region-data', { ...params, length: '7', offset: '3' }));
    expect(small.response.data.length).toBe(7);
    const all = simulatedRows(7, 'region-data', ['PJM'], ['D', 'DF', 'NG', 'TI'], '2021-01-01T00', '2021-01-10T23');
    expect(small.response.data.map(key)).toEqual(
      all.slice(3, 10).map((t) => `${t.period}|${t.respondent}|${t.series}`),
    );
    const past = await get(query('region-data', { ...params, offset: String(all.length + 10) }));
    expect([past.response.total, past.response.data.length, past.warnings]).toEqual([String(all.length), 0, undefined]);
  });
});
