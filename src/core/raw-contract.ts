// The ingest → features file contract, defined once: the raw Arrow file's schema version, columns
// and metadata keys (docs/contracts.md "Raw Arrow files"). Ingest writes it; features checks it.

/** Value of the `wattring.schema` metadata key; bump it when a column or key changes meaning. */
export const RAW_SCHEMA_VERSION = 'raw/1';

/** The raw file's `wattring.route`: tells region-data `NG` (net generation) from fuel `NG` (gas). */
export const RAW_ROUTES = ['region-data', 'fuel-type-data'] as const;
export type RawRoute = (typeof RAW_ROUTES)[number];

export function isRawRoute(value: unknown): value is RawRoute {
  return value === 'region-data' || value === 'fuel-type-data';
}

/** Schema-level metadata keys of every raw file (values are strings, as Arrow stores them). */
export const RAW_META_KEYS = {
  source: 'wattring.source',
  route: 'wattring.route',
  /** First and last hour of the window the file holds, `YYYY-MM-DDTHH` UTC, inclusive. */
  windowStart: 'wattring.window_start',
  windowEnd: 'wattring.window_end',
  retrievedAt: 'wattring.retrieved_at',
  apiVersion: 'wattring.api_version',
  schema: 'wattring.schema',
} as const;

/** The columns, in file order; readers look them up by name and accept plain Utf8 for the strings. */
export const RAW_COLUMNS = [
  { name: 'period', type: 'Timestamp<MILLISECOND, UTC>', nullable: false },
  { name: 'respondent', type: 'Dictionary<Int32, Utf8>', nullable: false },
  { name: 'series', type: 'Dictionary<Int32, Utf8>', nullable: false },
  { name: 'value', type: 'Float64', nullable: true },
  { name: 'units', type: 'Dictionary<Int32, Utf8>', nullable: false },
] as const;

/**
 * CAISO files name the OASIS report and market run instead (`SLD_FCST:DAM`); they also carry an
 * `intervals` Int32 column after `units` (intervals averaged into each hourly row). The features
 * stage reads them beside EIA files (src/features/caiso-grid.ts) and ignores `intervals`.
 */
export type CaisoRawRoute = `${string}:${string}`;

/** What a raw file's metadata says about it (RAW_META_KEYS decoded; hours as epoch ms). */
export interface RawFileMeta {
  /** `eia` (api.eia.gov), `eia-sim` (the embedded simulated server), `caiso` or `caiso-sim` (the twin). */
  readonly source: string;
  readonly route: RawRoute;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  /** ISO-8601 time the window was fetched. */
  readonly retrievedAt: string;
  /** The API's `apiVersion` field of the reply. */
  readonly apiVersion: string;
}
