// Checks one raw Arrow file against the ingest → features contract (src/core/raw-contract.ts,
// docs/contracts.md "Raw Arrow files") and says exactly which file, column or metadata key is wrong.
import { DataType, Precision, TimeUnit, type Schema } from 'apache-arrow';
import { isRawRoute, RAW_META_KEYS, RAW_SCHEMA_VERSION, type CaisoRawRoute, type RawRoute } from '../core/index.ts';
import { RawInputError } from './errors.ts';

/** What the reader needs of the file-level metadata: an EIA route, or a CAISO report and market run. */
export interface RawFileOrigin {
  readonly route: RawRoute | CaisoRawRoute;
  readonly source: string;
}

/** Sources of CAISO OASIS files (docs/ingest-caiso.md): the real service and its twin. */
export const CAISO_SOURCES: readonly string[] = ['caiso', 'caiso-sim'];

export function isCaisoSource(source: string): boolean {
  return CAISO_SOURCES.includes(source);
}

/** `SLD_FCST:DAM`: an OASIS report and market run, as src/ingest/caiso/reports.ts names them. */
function isCaisoRoute(route: string): route is CaisoRawRoute {
  return /^[A-Z][A-Z0-9_]*:[A-Z0-9]+$/.test(route);
}

const STRING_COLUMNS = ['respondent', 'series', 'units'] as const;

/** Throws RawInputError naming the file and column/key when the schema breaks the contract. */
export function checkRawSchema(file: string, schema: Schema): RawFileOrigin {
  const meta = schema.metadata;
  const version = meta.get(RAW_META_KEYS.schema);
  if (version !== RAW_SCHEMA_VERSION) {
    throw new RawInputError(
      'FEATURES_RAW_SCHEMA',
      `${file}: schema metadata ${RAW_META_KEYS.schema} is ${JSON.stringify(version ?? null)}, expected ` +
        `"${RAW_SCHEMA_VERSION}" ` +
        '(is this a file written by bench extract?)',
    );
  }
  const route = meta.get(RAW_META_KEYS.route);
  const source = meta.get(RAW_META_KEYS.source) ?? 'unknown';
  if (isCaisoSource(source) && route !== undefined && isCaisoRoute(route)) {
    checkColumns(file, schema);
    return { route, source };
  }
  if (!isRawRoute(route)) {
    throw new RawInputError(
      'FEATURES_RAW_SCHEMA',
      `${file}: schema metadata ${RAW_META_KEYS.route} is ${JSON.stringify(route ?? null)}, expected "region-data" ` +
        `or ` +
        '"fuel-type-data" (it tells region NG from fuel NG), or REPORT:MARKET_RUN such as "SLD_FCST:DAM" in a ' +
        'file whose wattring.source is "caiso" or "caiso-sim"',
    );
  }
  checkColumns(file, schema);
  return { route, source };
}

function checkColumns(file: string, schema: Schema): void {
  const type = (name: string): DataType => {
    const field = schema.fields.find((f) => f.name === name);
    if (field === undefined) {
      const have = schema.fields.map((f) => f.name).join(', ');
      throw new RawInputError('FEATURES_RAW_SCHEMA', `${file}: column "${name}" is missing (columns: ${have})`);
    }
    return field.type;
  };
  const period = type('period');
  if (!DataType.isTimestamp(period) || period.unit !== TimeUnit.MILLISECOND || !isUtc(period.timezone)) {
    wrongType(file, 'period', period, 'Timestamp<MILLISECOND, UTC>');
  }
  const value = type('value');
  if (!DataType.isFloat(value) || value.precision !== Precision.DOUBLE) wrongType(file, 'value', value, 'Float64');
  for (const name of STRING_COLUMNS) {
    const t = type(name);
    const ok = DataType.isUtf8(t) || (DataType.isDictionary(t) && DataType.isUtf8(t.dictionary));
    if (!ok) wrongType(file, name, t, 'Dictionary<Int32, Utf8> or Utf8');
  }
}

function isUtc(zone: string | null | undefined): boolean {
  return zone === 'UTC' || zone === 'utc' || zone === 'Etc/UTC' || zone === '+00:00' || zone === 'Z';
}

function wrongType(file: string, column: string, got: DataType, want: string): never {
  throw new RawInputError(
    'FEATURES_RAW_SCHEMA',
    `${file}: column "${column}" has type ${String(got)}, expected ${want}`,
  );
}
