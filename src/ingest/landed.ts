// Reads what has landed under --out back from disk (the manifest's files, in window-id order):
// a content hash of every row, duplicate detection and per-series coverage bitmaps.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table, type Vector } from 'apache-arrow';
import { HOUR_MS, hoursInclusive } from './hours.ts';
import type { Manifest } from './manifest.ts';

/** Hour states in a coverage bitmap. */
export const ABSENT = 0;
export const VALUE = 1;
export const NULL_VALUE = 2;

export interface LandedScan {
  /** sha256 over window ids and their rows in file order; equal for equal landed data. */
  readonly contentSha256: string;
  readonly rows: number;
  /** Rows whose (route, period, respondent, series) key appeared before. */
  readonly duplicates: number;
  /** Rows outside [startMs, endMs]. */
  readonly outOfRange: number;
  /** `route|respondent|series` → hour states over [startMs, endMs]. */
  readonly bitmaps: ReadonlyMap<string, Uint8Array>;
}

export function scanLanded(outDir: string, manifest: Manifest, startMs: number, endMs: number): LandedScan {
  const hash = createHash('sha256');
  const hours = hoursInclusive(startMs, endMs);
  const bitmaps = new Map<string, Uint8Array>();
  let rows = 0;
  let duplicates = 0;
  let outOfRange = 0;
  for (const id of Object.keys(manifest.windows).sort()) {
    const entry = manifest.windows[id];
    if (!entry) continue;
    const table = tableFromIPC(readFileSync(join(outDir, entry.file)));
    const cols = readRawColumns(table);
    const lines: string[] = [id];
    for (let i = 0; i < cols.length; i++) {
      const [period, respondent, series, value] = [cols.period(i), cols.respondent(i), cols.series(i), cols.value(i)];
      lines.push(`${period}|${respondent}|${series}|${value ?? 'null'}|${cols.units(i)}`);
      const h = (period - startMs) / HOUR_MS;
      if (h < 0 || h >= hours) {
        outOfRange++;
        continue;
      }
      const key = `${entry.route}|${respondent}|${series}`;
      let bits = bitmaps.get(key);
      if (!bits) {
        bits = new Uint8Array(hours);
        bitmaps.set(key, bits);
      }
      if (bits[h] !== ABSENT) duplicates++;
      bits[h] = value === null ? NULL_VALUE : VALUE;
    }
    rows += cols.length;
    hash.update(lines.join('\n')).update('\n');
  }
  return { contentSha256: hash.digest('hex'), rows, duplicates, outOfRange, bitmaps };
}

export interface RawColumns {
  readonly length: number;
  period(i: number): number;
  respondent(i: number): string;
  series(i: number): string;
  units(i: number): string;
  value(i: number): number | null;
}

/**
 * Column accessors for a raw/1 table, decoded once into plain arrays (Vector.get per row is slow).
 * Dictionary or plain Utf8 string columns both work, as the contract requires of readers.
 */
export function readRawColumns(table: Table): RawColumns {
  const need = (name: string): Vector => {
    const v = table.getChild(name);
    if (!v) throw new Error(`raw Arrow file has no "${name}" column`);
    return v;
  };
  const periods = timestampColumn(need('period'));
  const values = floatColumn(need('value'));
  const [respondent, series, units] = [
    stringColumn(need('respondent')),
    stringColumn(need('series')),
    stringColumn(need('units')),
  ];
  return {
    length: table.numRows,
    period: (i) => periods[i] ?? Number.NaN,
    respondent,
    series,
    units,
    value: (i) => {
      const v = values[i];
      return v === undefined || Number.isNaN(v) ? null : v;
    },
  };
}

/** Epoch ms of every row. */
function timestampColumn(vector: Vector): Float64Array {
  const out = new Float64Array(vector.length);
  let at = 0;
  for (const chunk of vector.data) {
    const v: unknown = chunk.values;
    if (v instanceof BigInt64Array) {
      for (let i = 0; i < chunk.length; i++) out[at + i] = Number(v[chunk.offset + i] ?? 0n);
    } else {
      for (let i = 0; i < chunk.length; i++) out[at + i] = Number(vector.get(at + i));
    }
    at += chunk.length;
  }
  return out;
}

/** Float64 values with NaN for nulls. */
function floatColumn(vector: Vector): Float64Array {
  const out = new Float64Array(vector.length);
  let at = 0;
  for (const chunk of vector.data) {
    const values: unknown = chunk.values;
    const bitmap = chunk.nullCount > 0 ? chunk.nullBitmap : undefined;
    for (let i = 0; i < chunk.length; i++) {
      const j = chunk.offset + i;
      const valid = bitmap ? ((bitmap[j >> 3] ?? 0) >> (j & 7)) & 1 : 1;
      out[at + i] = valid && values instanceof Float64Array ? (values[j] ?? Number.NaN) : Number.NaN;
    }
    at += chunk.length;
  }
  return out;
}

/** Decodes a string column once: dictionary chunks via their indices, anything else per row. */
function stringColumn(vector: Vector): (i: number) => string {
  const values: string[] = new Array<string>(vector.length);
  let at = 0;
  for (const chunk of vector.data) {
    const indices: unknown = chunk.values;
    const dictionary = chunk.dictionary;
    if (dictionary && indices instanceof Int32Array) {
      const words = Array.from({ length: dictionary.length }, (_, j) => String(dictionary.get(j)));
      for (let i = 0; i < chunk.length; i++) values[at + i] = words[indices[chunk.offset + i] ?? 0] ?? '';
    } else {
      for (let i = 0; i < chunk.length; i++) values[at + i] = String(vector.get(at + i));
    }
    at += chunk.length;
  }
  return (i) => values[i] ?? '';
}
