// Recorded history (`--data FILE…`) goes through the same EIA v2 twin as the synthetic data: key
// check, rate limit, only the rows the query asks for (facets, inclusive start/end, sort), paging,
// values as the recorded strings, missing hours absent; bad files are refused naming file and line.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRawFolder } from '../../src/features/index.ts';
import { RecordedRows, startEiaSimServer, type EiaSimServer } from '../../src/ingest/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattring-recorded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// AAAA: D every hour of 2019-01-01T00..T05 except T03; DF at T00..T02. BBBB: D at T01..T02 only.
// Rows are deliberately out of order: the server sorts them.
const CSV = [
  'period,respondent,type,value',
  '2019-01-01T02,AAAA,D,1002',
  '2019-01-01T00,AAAA,D,1000',
  '2019-01-01T01,AAAA,D,1001.5',
  '2019-01-01T04,AAAA,D,-4',
  '2019-01-01T05,AAAA,D,0',
  '2019-01-01T00,AAAA,DF,900',
  '2019-01-01T01,AAAA,DF,901',
  '2019-01-01T02,AAAA,DF,902',
  '2019-01-01T01,BBBB,D,2001',
  '2019-01-01T02,BBBB,D,2002',
  '',
].join('\n');
const file = join(dir, 'history.csv');
writeFileSync(file, CSV);
const gz = join(dir, 'history.csv.gz');
writeFileSync(gz, gzipSync(CSV));

let server: EiaSimServer;
beforeAll(async () => {
  server = await startEiaSimServer({
    rateLimitPerHour: 0,
    latencyMedianMs: 0,
    validKeys: ['good-key'],
    rows: RecordedRows.load([gz]),
  });
});
afterAll(() => server.close());

type Row = Record<string, unknown>;
interface Body {
  response: { total: string; data: Row[] };
  warnings?: unknown[];
}

async function get(params: Record<string, string | string[]>, route = 'region-data'): Promise<Body> {
  const search = new URLSearchParams({ api_key: 'good-key', frequency: 'hourly', 'data[0]': 'value' });
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) search.append(k, x);
  const res = await fetch(`${server.url}electricity/rto/${route}/data/?${search}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Body;
}

const brief = (r: Row): string =>
  `${String(r['period'])} ${String(r['respondent'])} ${String(r['type'])} ${String(r['value'])}`;

describe('recorded history through the simulated EIA server', () => {
  it('reads plain and gzip CSV alike and says what the recording holds', () => {
    const plain = RecordedRows.load([file]).summary;
    expect(plain).toMatchObject({ rows: 10, respondents: ['AAAA', 'BBBB'], series: ['D', 'DF'] });
    expect(plain.first).toBe('2019-01-01T00');
    expect(plain.last).toBe('2019-01-01T05');
    expect(RecordedRows.load([gz]).summary.rows).toBe(10);
  });

  it('serves only the asked-for rows, by period, respondent, type, with values as recorded strings', async () => {
    const all = await get({ start: '2019-01-01T00', end: '2019-01-01T05' });
    expect(all.response.total).toBe('10');
    expect(all.response.data.map(brief)).toEqual([
      '2019-01-01T00 AAAA D 1000',
      '2019-01-01T00 AAAA DF 900',
      '2019-01-01T01 AAAA D 1001.5',
      '2019-01-01T01 AAAA DF 901',
      '2019-01-01T01 BBBB D 2001',
      '2019-01-01T02 AAAA D 1002',
      '2019-01-01T02 AAAA DF 902',
      '2019-01-01T02 BBBB D 2002',
      '2019-01-01T04 AAAA D -4', // T03 is absent from the recording: absent here too
      '2019-01-01T05 AAAA D 0',
    ]);
    expect(all.response.data.every((r) => typeof r['value'] === 'string')).toBe(true);
    const some = await get({
      'facets[respondent][]': 'AAAA',
      'facets[type][]': 'D',
      start: '2019-01-01T01',
      end: '2019-01-01T04',
    });
    expect(some.response.data.map(brief)).toEqual([
      '2019-01-01T01 AAAA D 1001.5',
      '2019-01-01T02 AAAA D 1002',
      '2019-01-01T04 AAAA D -4',
    ]);
  });

  it('honours a descending sort and pages with offset/length exactly as one long page', async () => {
    const sort = {
      'sort[0][column]': 'period',
      'sort[0][direction]': 'desc',
      'sort[1][column]': 'respondent',
      'sort[1][direction]': 'desc',
    };
    const whole = await get({ ...sort, length: '5000' });
    expect(whole.response.data.map(brief).slice(0, 3)).toEqual([
      '2019-01-01T05 AAAA D 0',
      '2019-01-01T04 AAAA D -4',
      '2019-01-01T02 BBBB D 2002',
    ]);
    const pages: Row[] = [];
    for (let offset = 0; offset < 10; offset += 3) {
      const page = await get({ ...sort, offset: String(offset), length: '3' });
      expect(page.warnings !== undefined).toBe(offset + 3 < 10); // "incomplete return" until the last page
      pages.push(...page.response.data);
    }
    expect(pages.map(brief)).toEqual(whole.response.data.map(brief));
  });

  it('answers a respondent, series or route the recording lacks with 0 rows, as the real API does', async () => {
    expect((await get({ 'facets[respondent][]': 'CCCC' })).response).toEqual(expect.objectContaining({ total: '0' }));
    expect((await get({ 'facets[type][]': 'NG' })).response.total).toBe('0');
    expect((await get({}, 'fuel-type-data')).response.total).toBe('0');
    expect((await get({ start: '2020-01-01T00', end: '2020-01-02T00' })).response.total).toBe('0');
  });

  it('checks the key like the real gateway', async () => {
    const res = await fetch(`${server.url}electricity/rto/region-data/data/?api_key=wrong&data[0]=value`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'API_KEY_INVALID' } });
  });

  it('rate-limits recorded replies like synthetic ones', async () => {
    const limited = await startEiaSimServer({
      rateLimitPerHour: 3600,
      burstPerSecond: 1,
      latencyMedianMs: 0,
      rows: RecordedRows.load([file]),
    });
    try {
      const url = `${limited.url}electricity/rto/region-data/data/?api_key=k&data[0]=value`;
      const statuses = [(await fetch(url)).status, (await fetch(url)).status];
      expect(statuses).toEqual([200, 429]);
    } finally {
      await limited.close();
    }
  });

  it.each([
    ['a wrong header', 'period,respondent,series,value\n2019-01-01T00,AAAA,D,1\n', ':1: the header must name'],
    ['a bad period', 'period,respondent,type,value\n2019-01-01T00,AAAA,D,1\n2019-01-01,AAAA,D,2\n', ':3: period'],
    ['an unknown type', 'period,respondent,type,value\n2019-01-01T00,AAAA,XX,1\n', ':2: type "XX"'],
    ['a value that is no number', 'period,respondent,type,value\n2019-01-01T00,AAAA,D,12a\n', ':2: value "12a"'],
    ['a field too many', 'period,respondent,type,value\n2019-01-01T00,AAAA,D,1,2\n', ':2: expected 4'],
    [
      'a repeated row',
      'period,respondent,type,value\n2019-01-01T00,AAAA,D,1\n2019-01-01T00,AAAA,D,2\n',
      ':3: a second row',
    ],
    ['no rows', 'period,respondent,type,value\n', ': holds a header but no rows'],
  ])('refuses %s, naming the file and line', (_, text, expected) => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, text);
    expect(() => RecordedRows.load([bad])).toThrow(
      expect.objectContaining({
        code: 'SIM_RECORDED_BAD',
        exitCode: 2,
        message: expect.stringContaining(bad + expected),
      }),
    );
  });

  it('bench extract --data lands the recorded rows, and says which asked-for respondent the recording lacks', () => {
    const out = join(dir, 'raw');
    const run = spawnSync(
      process.execPath,
      [
        'bin/bench.mjs',
        'extract',
        '--data',
        file,
        '--respondents',
        'AAAA,BBBB,PACW',
        '--routes',
        'region-data',
        '--series',
        'D,DF',
        '--start',
        '2019-01-01T00',
        '--end',
        '2019-01-01T23',
        '--time-scale',
        '200',
        '--out',
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toContain('the recording has no rows for respondents PACW');
    expect(run.stderr).toContain('no rows at all for respondents PACW');
    expect(run.status).toBe(1); // a respondent with no rows is not counted as success
    const raw = readRawFolder(out);
    expect(raw.rows).toBe(10);
  });
});

describe('bench serve eia --data', () => {
  it('serves the recorded rows at its URL and says what it holds', async () => {
    const child = spawn(
      process.execPath,
      ['bin/bench.mjs', 'serve', 'eia', '--data', file, '--json', '--rate', '0', '--latency-ms', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = JSON.parse(String((await lines.next()).value)) as {
      url: string;
      data: { rows: number; respondents: string[] };
    };
    expect(first.data).toMatchObject({ rows: 10, respondents: ['AAAA', 'BBBB'] });
    const res = await fetch(
      `${first.url}electricity/rto/region-data/data/?api_key=k&data[0]=value&facets[respondent][]=BBBB`,
    );
    expect(await res.json()).toMatchObject({ response: { total: '2' } });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('exits 2 naming the file and line of a bad recording, before it listens', () => {
    const bad = join(dir, 'serve-bad.csv');
    writeFileSync(bad, 'period,respondent,type,value\n2019-01-01T00,AAAA,D,oops\n');
    const run = spawnSync(process.execPath, ['bin/bench.mjs', 'serve', 'eia', '--data', bad], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${bad}:2: value "oops" is not a number`);
    expect(run.stdout).toBe('');
  });
});

const SHARED = '/work/shared/data/eia930-5ba-2015-2019-d-df.csv.gz';
describe.skipIf(!existsSync(SHARED))('the shared EIA-930 file (skipped where it is absent)', () => {
  it('loads as recorded history with its five respondents and D, DF', () => {
    const s = RecordedRows.load([SHARED]).summary;
    expect(s.respondents.length).toBe(5);
    expect(s.series).toEqual(['D', 'DF']);
    expect(s.first).toBe('2015-07-02T00');
    expect(s.last).toBe('2019-07-01T23');
  });
});
