// Reads one or more folders of raw Arrow files (from `bench extract`, EIA and CAISO) into
// typed-array chunks: one per record batch, rows as (hour, respondent id, series id, value).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tableFromIPC, type Data, type Table } from 'apache-arrow';
import { RawInputError } from './errors.ts';
import { checkRawSchema, isCaisoSource, type RawFileOrigin } from './raw-schema.ts';
import { Interner, internColumn } from './strings.ts';
import { HOUR_MS } from '../core/index.ts';

/** One input file as recorded in the store's metadata. */
export interface RawInputFile {
  /** Path relative to the input folder, `/`-separated. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly rows: number;
  readonly route: RawFileOrigin['route'];
  readonly source: string;
  /** The --in folder the file was found in; only recorded when the build read several folders. */
  readonly folder?: string;
}

/** Rows of one record batch. hour = period (hour-ending, UTC) in whole hours since 1970. */
export interface RawChunk {
  readonly file: number;
  readonly hour: Int32Array;
  readonly respondent: Int32Array;
  /** Id in RawInput.series of the key `<route>:<code>`, e.g. `region-data:D`, `fuel-type-data:NG`. */
  readonly series: Int32Array;
  /** NaN where the API said the hour is missing (null). */
  readonly value: Float64Array;
}

/**
 * CAISO rows, kept apart from EIA's: their respondents are TAC areas and trading hubs, not
 * balancing authorities, so they never become store respondents of their own (grid.ts maps the
 * ones that are features onto CISO). Series ids name the OASIS series (`SLD_FCST:DAM`,
 * `SLD_REN_FCST:DAM:SOLAR`); the route is already their prefix.
 */
export interface CaisoRawInput {
  readonly chunks: readonly RawChunk[];
  readonly respondents: Interner;
  readonly series: Interner;
}

export interface RawInput {
  /** The input folder; several folders are joined with `, ` (see dirs). */
  readonly dir: string;
  readonly dirs: readonly string[];
  readonly files: readonly RawInputFile[];
  readonly chunks: readonly RawChunk[];
  readonly respondents: Interner;
  readonly series: Interner;
  readonly caiso: CaisoRawInput;
  readonly units: string;
  readonly rows: number;
}

/** Lists every `*.arrow` file under dir (sub-folders included), sorted for a stable order. */
export function listRawFiles(dir: string): string[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch (cause) {
    throw new RawInputError('FEATURES_INPUT_MISSING', `--in ${dir}: not a readable folder of raw Arrow files`, {
      cause,
    });
  }
  const files = entries
    .filter((e) => e.endsWith('.arrow'))
    .map((e) => e.split('\\').join('/'))
    .sort();
  if (files.length === 0) {
    throw new RawInputError(
      'FEATURES_INPUT_EMPTY',
      `--in ${dir}: no *.arrow files found; run bench extract --out ${dir} first`,
    );
  }
  return files;
}

/**
 * Reads and validates every raw file of one folder, or of several (EIA files in one, CAISO files in
 * another). onFile reports progress (files done, total).
 */
export function readRawFolder(
  input: string | readonly string[],
  onFile?: (done: number, total: number) => void,
): RawInput {
  const dirs = typeof input === 'string' ? [input] : [...input];
  const names = dirs.flatMap((dir) => listRawFiles(dir).map((name) => ({ dir, name })));
  const respondents = new Interner();
  const series = new Interner();
  const units = new Interner();
  const codes = new Interner();
  const caiso = { chunks: [] as RawChunk[], respondents: new Interner(), series: new Interner() };
  const files: RawInputFile[] = [];
  const chunks: RawChunk[] = [];
  let rows = 0;
  for (const [index, { dir, name }] of names.entries()) {
    const shown = dirs.length > 1 ? join(dir, name) : name;
    const bytes = readFileSync(join(dir, name));
    const table = parseArrow(shown, bytes);
    const meta = checkRawSchema(shown, table.schema);
    checkSameSource(shown, meta.source, files);
    const unitsBefore = units.names.length;
    const fileRows = isCaisoSource(meta.source)
      ? readChunks(
          shown,
          index,
          table,
          null,
          { respondents: caiso.respondents, series: caiso.series, units, codes: caiso.series },
          caiso.chunks,
        )
      : readChunks(shown, index, table, meta.route, { respondents, series, units, codes }, chunks);
    checkUnits(shown, units, unitsBefore);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = relative(dir, join(dir, name)).split('\\').join('/');
    files.push({
      path,
      sha256,
      bytes: bytes.length,
      rows: fileRows,
      ...meta,
      ...(dirs.length > 1 ? { folder: dir } : {}),
    });
    rows += fileRows;
    onFile?.(index + 1, names.length);
  }
  return {
    dir: dirs.join(', '),
    dirs,
    files,
    chunks,
    respondents,
    series,
    caiso,
    units: units.names[0] ?? 'MWh',
    rows,
  };
}

function parseArrow(name: string, bytes: Uint8Array): Table {
  try {
    return tableFromIPC(bytes);
  } catch (cause) {
    throw new RawInputError('FEATURES_RAW_UNREADABLE', `${name}: not a readable Arrow IPC file (${String(cause)})`, {
      cause,
    });
  }
}

/** One EIA source (`eia` or `eia-sim`) and at most one CAISO source beside it: real and simulated data never mix. */
function checkSameSource(name: string, source: string, before: readonly RawInputFile[]): void {
  const first = before.find((f) => isCaisoSource(f.source) === isCaisoSource(source));
  if (first !== undefined && first.source !== source) {
    throw new RawInputError(
      'FEATURES_MIXED_SOURCES',
      `${name}: wattring.source is "${source}" but ` +
        `${first.folder === undefined ? first.path : join(first.folder, first.path)} is "${first.source}"; ` +
        'one feature store takes one EIA source and at most one CAISO source — extract them into separate folders',
    );
  }
}

/** Every raw value is an hourly energy; a second unit would mean mixed data we cannot compare. */
function checkUnits(name: string, units: Interner, before: number): void {
  if (units.names.length > 1 && units.names.length > before) {
    throw new RawInputError(
      'FEATURES_MIXED_UNITS',
      `${name}: column "units" holds "${units.names.at(-1)}" but earlier rows hold "${units.names[0]}"; expected ` +
        `one unit`,
    );
  }
}

interface Interners {
  readonly respondents: Interner;
  readonly series: Interner;
  readonly units: Interner;
  /** Bare series codes as written (D, NG, SUN, …), before the route is attached. */
  readonly codes: Interner;
}

/** route null: keep series codes as written (CAISO series already carry their report and market run). */
function readChunks(
  name: string,
  file: number,
  table: Table,
  route: RawFileOrigin['route'] | null,
  ids: Interners,
  out: RawChunk[],
): number {
  let rows = 0;
  for (const batch of table.batches) {
    const col = (c: string): Data => {
      const data = batch.getChild(c)?.data[0];
      if (data === undefined) throw new RawInputError('FEATURES_RAW_SCHEMA', `${name}: column "${c}" is missing`);
      return data;
    };
    const n = batch.numRows;
    const hour = periodHours(name, col('period'), rows);
    const respondent = new Int32Array(n);
    internColumn(col('respondent'), ids.respondents, respondent, 0);
    const codes = new Int32Array(n);
    internColumn(col('series'), ids.codes, codes, 0);
    const seriesIds = route === null ? codes : routeSeries(codes, ids.codes, ids.series, route);
    internColumn(col('units'), ids.units, new Int32Array(n), 0);
    out.push({ file, hour, respondent, series: seriesIds, value: values(col('value')) });
    rows += n;
  }
  return rows;
}

/** Re-keys series codes as `<route>:<code>` so region NG and fuel NG never mix. */
function routeSeries(codes: Int32Array, names: Interner, series: Interner, route: RawFileOrigin['route']): Int32Array {
  const remap = Int32Array.from(names.names, (code) => series.id(`${route}:${code}`));
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = remap[codes[i] ?? 0] ?? 0;
  return out;
}

/** period (ms since epoch, BigInt64) → whole hours; rejects nulls and times off the hour. */
function periodHours(name: string, data: Data, firstRow: number): Int32Array {
  if (data.nullCount > 0) {
    throw new RawInputError(
      'FEATURES_RAW_SCHEMA',
      `${name}: column "period" has ${data.nullCount} null value(s); every row needs a period`,
    );
  }
  const raw: BigInt64Array = data.values;
  // Read the int64 as two int32 halves (little-endian): much faster than BigInt → Number per row.
  const halves = new Int32Array(raw.buffer, raw.byteOffset, raw.length * 2);
  const hours = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const ms = (halves[2 * i + 1] ?? 0) * 4294967296 + ((halves[2 * i] ?? 0) >>> 0);
    const h = ms / HOUR_MS;
    if (!Number.isInteger(h)) {
      throw new RawInputError(
        'FEATURES_RAW_PERIOD',
        `${name}: period[${firstRow + i}] = ${new Date(ms).toISOString()} is not on the hour; expected hourly, ` +
          `hour-ending UTC periods`,
      );
    }
    hours[i] = h;
  }
  return hours;
}

/** value (Float64, nullable) → Float64Array with NaN for null. */
function values(data: Data): Float64Array {
  const src: Float64Array = data.values;
  const out = Float64Array.from(src.subarray(0, data.length));
  const bitmap: Uint8Array | undefined = data.nullBitmap;
  if (data.nullCount > 0 && bitmap !== undefined && bitmap.length > 0) {
    for (let i = 0; i < data.length; i++) {
      const bit = data.offset + i;
      if (((bitmap[bit >> 3] ?? 0) & (1 << (bit & 7))) === 0) out[i] = Number.NaN;
    }
  }
  return out;
}
