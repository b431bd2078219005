// Test support: writes raw Arrow files exactly in the ingest → features contract (see
// docs/contracts.md "Raw Arrow files") from a deterministic synthetic hourly grid.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
  type Data,
} from 'apache-arrow';

export type Route = 'region-data' | 'fuel-type-data';

export const REGION_SERIES = ['D', 'DF', 'NG', 'TI'] as const;
export const FUELS = ['COL', 'NG', 'NUC', 'OIL', 'OTH', 'SUN', 'WAT', 'WND'] as const;

/** Long rows of one file; strings are given per row as indexes into the dictionaries. */
export interface RawRows {
  readonly periodMs: Float64Array;
  readonly respondent: Int32Array;
  readonly series: Int32Array;
  /** NaN = null (the API said the hour is missing). */
  readonly value: Float64Array;
  readonly respondents: readonly string[];
  readonly seriesCodes: readonly string[];
}

export interface RawFileOptions {
  readonly route: Route;
  readonly source?: string;
  readonly windowStart?: string;
  readonly windowEnd?: string;
  /** Write respondent/series/units as plain Utf8 instead of dictionaries (readers accept both). */
  readonly plainStrings?: boolean;
}

export function rawTable(rows: RawRows, options: RawFileOptions): Table {
  const n = rows.periodMs.length;
  const period = new BigInt64Array(n);
  for (let i = 0; i < n; i++) period[i] = BigInt(rows.periodMs[i] ?? 0);
  const nullBitmap = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(rows.value[i])) nulls++;
    else nullBitmap[i >> 3] = (nullBitmap[i >> 3] ?? 0) | (1 << (i & 7));
  }
  const columns: [string, Data][] = [
    ['period', makeData({ type: new TimestampMillisecond('UTC'), length: n, nullCount: 0, data: period })],
    ['respondent', strings(rows.respondent, rows.respondents, options.plainStrings)],
    ['series', strings(rows.series, rows.seriesCodes, options.plainStrings)],
    ['value', makeData({ type: new Float64(), length: n, nullCount: nulls, data: rows.value, nullBitmap })],
    ['units', strings(new Int32Array(n), ['MWh'], options.plainStrings)],
  ];
  return tableOf(columns, rawMetadata(options));
}

export function rawMetadata(options: RawFileOptions): Map<string, string> {
  return new Map([
    ['wattring.source', options.source ?? 'eia-sim'],
    ['wattring.route', options.route],
    ['wattring.window_start', options.windowStart ?? ''],
    ['wattring.window_end', options.windowEnd ?? ''],
    ['wattring.retrieved_at', '2026-11-25T00:00:00.000Z'],
    ['wattring.api_version', '2.1.8'],
    ['wattring.schema', 'raw/1'],
  ]);
}

/** Builds a one-batch table from named column data and schema metadata (for malformed files too). */
export function tableOf(columns: readonly [string, Data][], metadata: Map<string, string>): Table {
  const fields = columns.map(([name, d]) => new Field(name, d.type, name === 'value'));
  const n = columns[0]?.[1].length ?? 0;
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: columns.map(([, d]) => d) });
  return new Table([new RecordBatch(new Schema(fields, metadata), struct)]);
}

function strings(ids: Int32Array, words: readonly string[], plain = false): Data {
  if (!plain) {
    const dictionary = vectorFromArray([...words], new Utf8());
    return makeData({
      type: new Dictionary(new Utf8(), new Int32()),
      length: ids.length,
      nullCount: 0,
      data: ids,
      dictionary,
    });
  }
  const data = vectorFromArray(
    Array.from(ids, (i) => words[i] ?? ''),
    new Utf8(),
  ).data[0];
  if (data === undefined) throw new Error('vectorFromArray gave no data');
  return data;
}

export function writeTable(path: string, table: Table): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, tableToIPC(table, 'file'));
}

export function writeRawFile(path: string, rows: RawRows, options: RawFileOptions): void {
  writeTable(path, rawTable(rows, options));
}

export { join };
