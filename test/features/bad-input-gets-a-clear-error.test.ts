// Bad input: empty folders, wrong or mixed schemas, a respondent without demand, duplicate rows
// and bad splits each get an error that names the folder, file, column, respondent or split.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Float64, makeData, TimestampMillisecond, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { buildFeatureStore, parseSplits, RawInputError, SplitError } from '../../src/features/index.ts';
import { rawMetadata, rawTable, tableOf, writeTable } from './support/raw-writer.ts';
import { HOUR_MS, hourOf } from './support/synthetic.ts';
import { SPLITS, tempDir, WINDOW, writeWorld } from './support/world.ts';

const tmp = tempDir('bad');
afterAll(() => tmp.cleanup());

function build(input: string, splits = SPLITS): () => unknown {
  return () =>
    buildFeatureStore({
      input,
      output: join(tmp.dir, `out-${Math.random().toString(36).slice(2)}`),
      splits,
      window: WINDOW,
    });
}

function thrown(fn: () => unknown): { code: string; message: string; exitCode: number } {
  try {
    fn();
  } catch (e) {
    if (e instanceof RawInputError || e instanceof SplitError)
      return { code: e.code, message: e.message, exitCode: e.exitCode };
    throw e;
  }
  throw new Error('expected an error');
}

/** A one-row valid region-data file, with one column swapped for `replace`. */
function fileWith(name: string, replace: Record<string, Data>, meta: Record<string, string> = {}): string {
  const dir = writeWorld(tmp.dir, name);
  const good = rawTable(
    {
      periodMs: Float64Array.of(hourOf('2023-04-30T00') * HOUR_MS),
      respondent: Int32Array.of(0),
      series: Int32Array.of(0),
      value: Float64Array.of(1),
      respondents: ['PACW'],
      seriesCodes: ['TI'],
    },
    { route: 'region-data' },
  );
  const columns: [string, Data][] = good.schema.fields.map((f) => [
    f.name,
    replace[f.name] ?? good.getChild(f.name)?.data[0] ?? fail(),
  ]);
  const metadata = rawMetadata({ route: 'region-data' });
  for (const [k, v] of Object.entries(meta)) metadata.set(k, v);
  writeTable(join(dir, 'region-data', 'odd.arrow'), tableOf(columns, metadata));
  return dir;
}

function fail(): never {
  throw new Error('column missing');
}

describe('input folder', () => {
  it('empty: names the folder and says how to fill it', () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    const e = thrown(build(empty));
    expect(e.code).toBe('FEATURES_INPUT_EMPTY');
    expect(e.message).toContain(empty);
    expect(e.message).toContain('bench extract');
    expect(e.exitCode).toBe(2);
  });

  it('missing: names the folder', () => {
    expect(thrown(build(join(tmp.dir, 'nope'))).message).toContain('nope');
  });
});

describe('schema', () => {
  it('a value column of the wrong type names the file and the column', () => {
    const e = thrown(build(fileWith('wrong-type', { value: vectorFromArray(['1'], new Utf8()).data[0] ?? fail() })));
    expect(e.code).toBe('FEATURES_RAW_SCHEMA');
    expect(e.message).toMatch(/region-data\/odd\.arrow: column "value" has type Utf8, expected Float64/);
  });

  it('a period in seconds instead of milliseconds names the column', () => {
    const seconds = makeData({
      type: new TimestampMillisecond('America/Chicago'),
      length: 1,
      nullCount: 0,
      data: BigInt64Array.of(0n),
    });
    expect(thrown(build(fileWith('zone', { period: seconds }))).message).toMatch(
      /odd\.arrow: column "period" .*expected Timestamp<MILLISECOND, UTC>/,
    );
  });

  it('a missing column names the file and the column', () => {
    const dir = writeWorld(tmp.dir, 'no-units');
    const t = rawTable(
      {
        periodMs: Float64Array.of(0),
        respondent: Int32Array.of(0),
        series: Int32Array.of(0),
        value: Float64Array.of(1),
        respondents: ['PACW'],
        seriesCodes: ['D'],
      },
      { route: 'region-data' },
    );
    const cols: [string, Data][] = t.schema.fields
      .filter((f) => f.name !== 'units')
      .map((f) => [f.name, t.getChild(f.name)?.data[0] ?? fail()]);
    writeTable(join(dir, 'x.arrow'), tableOf(cols, rawMetadata({ route: 'region-data' })));
    expect(thrown(build(dir)).message).toMatch(/x\.arrow: column "units" is missing/);
  });

  it('a file without the route metadata is refused (fuel NG and region NG would mix)', () => {
    expect(thrown(build(fileWith('no-route', {}, { 'wattring.route': '' }))).message).toMatch(
      /odd\.arrow: schema metadata wattring\.route/,
    );
  });

  it('a file from another schema version is refused', () => {
    expect(thrown(build(fileWith('v2', {}, { 'wattring.schema': 'raw/2' }))).message).toMatch(
      /odd\.arrow: schema metadata wattring\.schema is "raw\/2"/,
    );
  });

  it('mixed sources (simulated and real data in one folder) are refused, naming both files', () => {
    const e = thrown(build(fileWith('mixed', {}, { 'wattring.source': 'eia' })));
    expect(e.code).toBe('FEATURES_MIXED_SOURCES');
    expect(e.message).toMatch(/odd\.arrow: wattring\.source is "eia" but .*\.arrow is "eia-sim"/);
  });

  it('a value that is not on the hour names the file and row', () => {
    const dir = writeWorld(tmp.dir, 'half-hour');
    const t = rawTable(
      {
        periodMs: Float64Array.of(hourOf('2023-04-30T00') * HOUR_MS + 1_800_000),
        respondent: Int32Array.of(0),
        series: Int32Array.of(0),
        value: Float64Array.of(1),
        respondents: ['PACW'],
        seriesCodes: ['TI'],
      },
      { route: 'region-data' },
    );
    writeTable(join(dir, 'half.arrow'), t);
    expect(thrown(build(dir)).message).toMatch(
      /half\.arrow: period\[0\] = 2023-04-30T00:30:00.000Z is not on the hour/,
    );
  });
});

describe('content', () => {
  it('a respondent with fuel data but no demand series is named', () => {
    const dir = writeWorld(tmp.dir, 'no-demand', {
      respondents: ['PACW', 'BPAT'],
      edit: (r, route, s) => (r === 'BPAT' && route === 'region-data' && s === 'D' ? 'drop' : undefined),
    });
    const e = thrown(build(dir));
    expect(e.code).toBe('FEATURES_NO_DEMAND');
    expect(e.message).toMatch(/respondent BPAT has no demand values/);
  });

  it('the same row in two files is named with its period, respondent and series', () => {
    const dir = writeWorld(tmp.dir, 'dup');
    writeWorld(tmp.dir, 'dup/again', {
      firstHour: hourOf('2023-03-01T01'),
      lastHour: hourOf('2023-03-01T02'),
      respondents: ['PACW'],
    });
    const e = thrown(build(dir));
    expect(e.code).toBe('FEATURES_DUPLICATE_ROW');
    expect(e.message).toMatch(
      new RegExp(
        String.raw`arrow: row \(period 2023-03-01T01, respondent PACW, series [a-z-]+:[A-Z]+\) ` +
          String.raw`also appears in .*\.arrow; rows must be unique`,
      ),
    );
    expect(e.message).toContain('again/fuel-type-data/2023-03-01T01_2023-03-01T02.arrow');
    expect(e.message).toContain('2023-02-20T01_2023-03-02T00.arrow');
  });

  it('a respondent with no demand in the train split is named', () => {
    const dir = writeWorld(tmp.dir, 'late');
    const e = thrown(build(dir, '2022-01-01..2022-12-31,2023-01-01..2023-01-31,2023-02-01..2023-04-30'));
    expect(e.code).toBe('FEATURES_NO_TRAIN_DATA');
    expect(e.message).toMatch(/respondent ERCO has no demand in the train split/);
    expect(existsSync(join(tmp.dir, 'late-store'))).toBe(false);
  });
});

describe('--split', () => {
  it('parses three chronological date ranges into hour-ending bounds', () => {
    const [train, validation, test] = parseSplits(
      '2019-01-01..2023-12-31,2024-01-01..2024-06-30,2024-07-01..2024-12-31',
    );
    expect(train?.firstHour).toBe(hourOf('2019-01-01T01'));
    expect(train?.lastHour).toBe(hourOf('2024-01-01T00'));
    expect(validation?.firstHour).toBe(hourOf('2024-01-01T01'));
    expect(test?.lastHour).toBe(hourOf('2025-01-01T00'));
  });

  it.each([
    [
      '2019-01-01..2023-12-31,2023-06-01..2024-06-30,2024-07-01..2024-12-31',
      'FEATURES_SPLIT_OVERLAP',
      /validation \(2023-06-01\.\.2024-06-30\) overlaps train/,
    ],
    [
      '2019-01-01..2023-12-31,2024-07-01..2024-12-31,2024-01-01..2024-06-30',
      'FEATURES_SPLIT_ORDER',
      /test \(2024-01-01\.\.2024-06-30\) starts before validation/,
    ],
    [
      '2019-01-01..2018-12-31,2024-01-01..2024-06-30,2024-07-01..2024-12-31',
      'FEATURES_SPLIT_ORDER',
      /train range 2019-01-01\.\.2018-12-31 ends before it starts/,
    ],
    ['2019-01-01..2023-12-31,2024-01-01..2024-06-30', 'FEATURES_SPLIT_SYNTAX', /expected 3 date ranges/],
    [
      '2019-01-01..2023-02-30,2024-01-01..2024-06-30,2024-07-01..2024-12-31',
      'FEATURES_SPLIT_SYNTAX',
      /train date "2023-02-30" is not a valid/,
    ],
    [
      '2019-01-01-2023-12-31,2024-01-01..2024-06-30,2024-07-01..2024-12-31',
      'FEATURES_SPLIT_SYNTAX',
      /train range "2019-01-01-2023-12-31" must look like/,
    ],
  ])('%s → %s', (text, code, message) => {
    const e = thrown(() => parseSplits(text));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).toContain('--split');
  });
});

// Keep the unused-import checker honest: Float64 is the type the good files use for `value`.
void Float64;
