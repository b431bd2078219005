// The simulated CAISO twin answers like OASIS: a ZIP of one CSV with the real columns and unsorted
// rows, ERR_CODE documents for bad queries, the 429 page over one request per 5 s, local operating
// hours (25 on the fall-back day), and CA ISO-TAC load equal to the EIA twin's CISO demand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import {
  hourlyRows,
  parseHour,
  readPayload,
  simulatedRows,
  startCaisoSimServer,
  TOO_MANY_REQUESTS_HTML,
  type CaisoSimServer,
} from '../../../src/ingest/index.ts';

const hour = (text: string): number => parseHour(text) ?? Number.NaN;

async function get(
  base: string,
  params: Record<string, string>,
): Promise<{ status: number; body: Uint8Array; type: string | null }> {
  const res = await fetch(`${base}/SingleZip?${new URLSearchParams(params).toString()}`);
  return { status: res.status, body: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type') };
}

const q = (over: Record<string, string> = {}): Record<string, string> => ({
  queryname: 'SLD_FCST',
  version: '1',
  market_run_id: 'ACTUAL',
  startdatetime: '20240101T00:00-0000',
  enddatetime: '20240131T00:00-0000',
  resultformat: '6',
  ...over,
});

describe('CAISO twin', () => {
  let twin: CaisoSimServer;
  beforeAll(async () => {
    twin = await startCaisoSimServer({ rateLimitPerHour: 0, latencyMedianMs: 0 });
  });
  afterAll(() => twin.close());

  it('answers a ZIP holding one CSV with the real SLD_FCST columns, rows unsorted', async () => {
    const r = await get(twin.url, q());
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/x-zip-compressed');
    const members = Object.keys(unzipSync(r.body));
    expect(members).toHaveLength(1);
    const text = strFromU8(Object.values(unzipSync(r.body))[0] ?? new Uint8Array());
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(
      'INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,MARKET_RUN_ID,' +
        'TAC_AREA_NAME,LABEL,XML_DATA_ITEM,POS,MW,EXECUTION_TYPE,GROUP',
    );
    expect(lines.length - 1).toBe(30 * 24 * 6); // 30 days × 24 h × 6 TAC areas
    const starts = lines.slice(1).map((l) => l.split(',')[0] ?? '');
    expect(starts).not.toEqual([...starts].sort());
  });

  it("serves CA ISO-TAC actual load equal to the EIA twin's CISO demand, hour for hour", async () => {
    const r = await get(twin.url, q());
    const payload = readPayload(r.body);
    if (payload.kind !== 'csv') throw new Error('expected a CSV');
    const got = hourlyRows(
      payload.text,
      { report: 'SLD_FCST', marketRun: 'ACTUAL' },
      hour('2024-01-01T01'),
      hour('2024-01-31T00'),
    );
    const iso = got.rows.dicts.respondent.values.indexOf('CA ISO-TAC');
    const load = new Map<number, number>();
    for (let i = 0; i < got.rows.length; i++)
      if (got.rows.respondent[i] === iso) load.set(got.rows.period[i] ?? 0, got.rows.value[i] ?? Number.NaN);
    let compared = 0;
    for (const row of simulatedRows(1, 'region-data', ['CISO'], ['D'], '2024-01-01T01', '2024-01-31T00')) {
      if (row.value === null) continue;
      expect(load.get(Date.parse(`${row.period}:00:00Z`))).toBe(row.value); // exact: both are the same integer MWh
      compared++;
    }
    expect(compared).toBeGreaterThan(700);
  });

  it("numbers the fall-back day's hours 1..25 and the spring-forward day's 1..23", async () => {
    const oprHours = async (start: string, end: string, date: string): Promise<number[]> => {
      const payload = readPayload((await get(twin.url, q({ startdatetime: start, enddatetime: end }))).body);
      if (payload.kind !== 'csv') throw new Error('expected a CSV');
      const rows = payload.text
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
      return [...new Set(rows.filter((c) => c[2] === date && c[6] === 'CA ISO-TAC').map((c) => Number(c[3])))].sort(
        (a, b) => a - b,
      );
    };
    expect(await oprHours('20241102T00:00-0000', '20241105T00:00-0000', '2024-11-03')).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
    expect(await oprHours('20240309T00:00-0000', '20240312T00:00-0000', '2024-03-10')).toEqual(
      Array.from({ length: 23 }, (_, i) => i + 1),
    );
  });

  it.each([
    ['an unknown report', { queryname: 'SLD_RTO' }, '1001'],
    ['a market run the report lacks', { queryname: 'SLD_REN_FCST', market_run_id: 'RTM' }, '1001'],
    ['a wrong version', { version: '12' }, '1001'],
    ['a date without the OASIS format', { startdatetime: '2024-01-01' }, '1002'],
    ['a window over 31 days', { enddatetime: '20240215T00:00-0000' }, '1004'],
    ['a range with no data', { startdatetime: '20100101T00:00-0000', enddatetime: '20100102T00:00-0000' }, '1000'],
  ])('answers %s with an INVALID_REQUEST.xml of ERR_CODE %s', async (_what, over, code) => {
    const r = await get(twin.url, q(over));
    expect(r.status).toBe(200);
    expect(readPayload(r.body)).toMatchObject({ kind: 'error', member: 'INVALID_REQUEST.xml', errCode: code });
  });

  it('names the bad date parameter in the 1002 description', async () => {
    const payload = readPayload((await get(twin.url, q({ enddatetime: '20240131' }))).body);
    expect(payload.kind === 'error' ? payload.description : '').toContain('enddatetime');
  });

  it('answers a second request within 5 s with the 429 HTML page', async () => {
    const limited = await startCaisoSimServer({ latencyMedianMs: 0 });
    try {
      const first = await get(limited.url, q());
      const second = await get(limited.url, q());
      expect(first.status).toBe(200);
      expect(second.status).toBe(429);
      expect(strFromU8(second.body)).toBe(TOO_MANY_REQUESTS_HTML);
      expect(limited.stats().rateLimited).toBe(1);
    } finally {
      await limited.close();
    }
  });
});
