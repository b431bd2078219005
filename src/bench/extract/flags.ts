// The `bench extract` / `bench extract-sweep` flags, defined once: yargs declares them from
// EXTRACT_FLAGS, and ExtractFlags (camel-cased, typed) is derived from the same table.
import type { Argv } from 'yargs';
import { ExtractUsageError } from '../../ingest/index.ts';

/** One flag: its yargs type, optional default and help line. A flag with a default is always set. */
interface FlagSpec {
  readonly type: 'string' | 'number' | 'boolean';
  /** Repeatable / several values (`--data a.csv b.csv`): the value is a string[]. */
  readonly array?: true;
  readonly default?: string | number | boolean;
  readonly describe: string;
}

/** Every extract flag, kebab-case as typed on the command line, in --help order. Add a flag here only. */
export const EXTRACT_FLAGS = {
  source: { type: 'string', default: 'eia', describe: 'Data source: eia, or caiso (CAISO OASIS; see --reports)' },
  'base-url': {
    type: 'string',
    describe:
      'API base: EIA ending in /v2/ (default api.eia.gov with a key), CAISO e.g. https://oasis.caiso.com/oasisapi; ' +
      'without it, the embedded simulated server',
  },
  reports: {
    type: 'string',
    describe: 'CAISO only: REPORT:MARKET_RUN list (default SLD_FCST:ACTUAL,SLD_FCST:DAM,SLD_REN_FCST:DAM)',
  },
  data: {
    type: 'string',
    array: true,
    describe:
      'Embedded server only: replay recorded history (CSV or .csv.gz: period,respondent,type,value; ' +
      'docs/ingest-sim.md) instead of synthetic data',
  },
  'api-key': { type: 'string', describe: 'EIA API key (or env EIA_API_KEY); never printed or stored' },
  preset: { type: 'string', describe: 'q1-2024 (5 regions, Q1 2024, demand + fuel mix) or backfill-2019-2025' },
  respondents: { type: 'string', describe: 'Comma-separated respondent codes (default PACW,ERCO,CISO,MISO,PJM)' },
  routes: { type: 'string', describe: 'region-data,fuel-type-data (default both)' },
  series: { type: 'string', describe: 'region-data series: D,DF,NG,TI (default all four)' },
  fuels: { type: 'string', describe: 'fuel-type-data fuel codes (default: every fuel the respondent reports)' },
  start: { type: 'string', describe: 'First hour, YYYY-MM-DDTHH UTC, inclusive' },
  end: { type: 'string', describe: 'Last hour, YYYY-MM-DDTHH UTC, inclusive' },
  rate: {
    type: 'string',
    describe: 'Sustained request budget (e.g. 5000/h, 90/min); default 5000/h for EIA, 720/h (one per 5 s) for CAISO',
  },
  burst: { type: 'number', describe: 'Most requests in any one second (default 5 for EIA, 1 for CAISO)' },
  out: { type: 'string', default: 'out/extract', describe: 'Folder for the Arrow files and manifest.json' },
  resume: { type: 'boolean', default: false, describe: 'Continue the run in --out, skipping landed windows' },
  'time-scale': {
    type: 'number',
    default: 1,
    describe: 'Simulated time compression k: rates × k, durations ÷ k (server and client)',
  },
  faults: { type: 'string', describe: 'Simulated faults, e.g. 5xx=0.1,reset=0.02,truncated=0.01,stall=0.01' },
  'window-days': {
    type: 'number',
    describe: 'Fixed window length in days (default: EIA sized so pages hold ~5,000 rows; CAISO 30, the most)',
  },
  'max-in-flight': { type: 'number', describe: 'Fixed cap on requests in flight (default: adapts to latency)' },
  timeout: { type: 'number', default: 60, describe: 'Per-request timeout, seconds (server time; ÷ time scale)' },
  seed: { type: 'number', default: 1, describe: 'Simulated server seed' },
  'latency-ms': { type: 'number', default: 1000, describe: 'Simulated server median latency, ms (server time)' },
  redis: {
    type: 'string',
    describe:
      "Join the key's cluster of workers at redis://HOST:PORT (or env WATTRING_REDIS_URL): one shared budget, " +
      'windows leased, one shared --out',
  },
  lease: {
    type: 'number',
    default: 30,
    describe: 'With --redis: window lease lifetime, seconds (server time; ÷ time scale, at least 2 s)',
  },
  status: {
    type: 'boolean',
    default: false,
    describe: 'With --redis: print the cluster view (windows landed, leased, left; rate; workers) and exit',
  },
} as const satisfies Readonly<Record<string, FlagSpec>>;

type FlagTable = typeof EXTRACT_FLAGS;
type FlagName = keyof FlagTable;

/** 'max-in-flight' → 'maxInFlight' (the key yargs also sets, and the one the code reads). */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
type FlagValue<S extends FlagSpec> = S extends { readonly array: true }
  ? string[]
  : S['type'] extends 'string'
    ? string
    : S['type'] extends 'number'
      ? number
      : boolean;
type WithDefault = { [K in FlagName]: FlagTable[K] extends { readonly default: unknown } ? K : never }[FlagName];
type WithoutDefault = Exclude<FlagName, WithDefault>;

/** The flags as resolveConfig reads them: camel-cased, strings unparsed (so errors can quote them). */
export type ExtractFlags = { readonly [K in WithDefault as CamelCase<K>]: FlagValue<FlagTable[K]> } & {
  readonly [K in WithoutDefault as CamelCase<K>]?: FlagValue<FlagTable[K]> | undefined;
};

/** Declares every extract flag on a yargs command. */
export function extractOptions(y: Argv) {
  return y.options(EXTRACT_FLAGS);
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The first flag whose value does not have the table's type (e.g. `--out a --out b` gives an array), if any. */
function mistypedFlag(
  flags: Readonly<Record<string, unknown>>,
): { name: string; spec: FlagSpec; value: unknown } | undefined {
  for (const [name, spec] of Object.entries<FlagSpec>(EXTRACT_FLAGS)) {
    const value = flags[camelCase(name)];
    const ok =
      value === undefined
        ? spec.default === undefined
        : spec.array === true
          ? Array.isArray(value) && value.every((v) => typeof v === spec.type)
          : typeof value === spec.type;
    if (!ok) return { name, spec, value };
  }
  return undefined;
}

function isExtractFlags(flags: Readonly<Record<string, unknown>>): flags is ExtractFlags {
  return mistypedFlag(flags) === undefined;
}

/** yargs' parsed flags (kebab-case keys, as in EXTRACT_FLAGS) → the ExtractFlags that resolveConfig checks. */
export function flagsFrom(args: Readonly<Record<string, unknown>>): ExtractFlags {
  const flags: Record<string, unknown> = {};
  for (const name of Object.keys(EXTRACT_FLAGS)) flags[camelCase(name)] = args[name];
  if (isExtractFlags(flags)) return flags;
  const bad = mistypedFlag(flags);
  const flag = `--${bad?.name ?? 'unknown'}`;
  throw new ExtractUsageError(
    flag,
    `expected one ${bad?.spec.type ?? 'value'}, got ${JSON.stringify(bad?.value)}; give the flag once`,
  );
}
