// Raw Arrow file writer (the `raw/1` contract in src/core/raw-contract.ts, docs/contracts.md): builds a record batch
// straight from typed-array
// columns (dictionary vectors for the strings) and encodes it as one Arrow IPC file.
import {
  type Data,
  Dictionary,
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { RAW_META_KEYS, RAW_SCHEMA_VERSION, type CaisoRawRoute, type RawFileMeta } from '../core/index.ts';
import type { RowColumns, StringDict } from './columns.ts';
import { formatHour } from './hours.ts';

/** Who wrote a raw file: the EIA API or its twin, CAISO OASIS or its twin. */
export type RawSource = 'eia' | 'eia-sim' | 'caiso' | 'caiso-sim';

/** What the writer records: an EIA route, or a CAISO report and market run. */
export type RawWriteMeta = Omit<RawFileMeta, 'route'> & { readonly route: RawFileMeta['route'] | CaisoRawRoute };

/** The schema-level metadata of a raw file (keys from the contract, in this order). */
export function rawMetadata(meta: RawWriteMeta): Map<string, string> {
  return new Map([
    [RAW_META_KEYS.source, meta.source],
    [RAW_META_KEYS.route, meta.route],
    [RAW_META_KEYS.windowStart, formatHour(meta.windowStartMs)],
    [RAW_META_KEYS.windowEnd, formatHour(meta.windowEndMs)],
    [RAW_META_KEYS.retrievedAt, meta.retrievedAt],
    [RAW_META_KEYS.apiVersion, meta.apiVersion],
    [RAW_META_KEYS.schema, RAW_SCHEMA_VERSION],
  ]);
}

/**
 * Encodes the rows as an Arrow IPC file (one record batch) with the raw/1 schema and metadata.
 * `intervals` (CAISO's sub-hourly reports): how many intervals each hourly mean averages, as an
 * extra trailing column so a partial hour stays visible; readers of raw/1 may ignore it.
 */
export function encodeRawFile(rows: RowColumns, meta: RawWriteMeta, intervals?: Int32Array): Uint8Array {
  const n = rows.length;
  const period = makeData({ type: new TimestampMillisecond('UTC'), length: n, data: toBigInt64(rows.period, n) });
  const respondent = dictionaryData(rows.respondent, n, rows.dicts.respondent);
  const series = dictionaryData(rows.series, n, rows.dicts.series);
  const units = dictionaryData(rows.units, n, rows.dicts.units);
  const value = makeData({
    type: new Float64(),
    length: n,
    data: rows.value.subarray(0, n),
    nullCount: rows.nullCount,
    ...(rows.nullCount > 0 ? { nullBitmap: packBits(rows.valid, n) } : {}),
  });
  const fields: Field[] = [
    new Field('period', period.type, false),
    new Field('respondent', respondent.type, false),
    new Field('series', series.type, false),
    new Field('value', value.type, true),
    new Field('units', units.type, false),
  ];
  const children: Data[] = [period, respondent, series, value, units];
  if (intervals !== undefined) {
    const counts = makeData({ type: new Int32(), length: n, data: intervals.subarray(0, n) });
    fields.push(new Field('intervals', counts.type, false));
    children.push(counts);
  }
  const schema = new Schema(fields, rawMetadata(meta));
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
  return tableToIPC(new Table([new RecordBatch(schema, struct)]), 'file');
}

function dictionaryData(indices: Int32Array, n: number, dict: StringDict) {
  const type = new Dictionary(new Utf8(), new Int32());
  return makeData({
    type,
    length: n,
    data: indices.subarray(0, n),
    dictionary: vectorFromArray(dict.values, new Utf8()),
  });
}

/**
 * Epoch ms (non-negative integers < 2^53) → int64 by writing the two little-endian 32-bit halves (no BigInt per row).
 */
function toBigInt64(ms: Float64Array, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  const halves = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = ms[i] ?? 0;
    halves[2 * i] = v % 4294967296;
    halves[2 * i + 1] = Math.floor(v / 4294967296);
  }
  return out;
}

/** Arrow validity bitmap: bit i (LSB first) set when row i is valid. */
function packBits(valid: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (valid[i]) out[i >> 3] = (out[i >> 3] ?? 0) | (1 << (i & 7));
  return out;
}
