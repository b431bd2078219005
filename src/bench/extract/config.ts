// `bench extract` flags → a checked extract configuration. Every problem is a UsageError that
// names the flag, raised before anything is sent or written.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  ExtractUsageError,
  isRouteName,
  KNOWN_RESPONDENTS,
  parseFaults,
  parseHour,
  parseRate,
  parseRedisUrl,
  RecordedRows,
  ROUTES,
  type FaultRates,
  type RouteName,
} from '../../ingest/index.ts';
import type { ExtractFlags } from './flags.ts';

export const PRESETS = {
  'q1-2024': {
    respondents: 'PACW,ERCO,CISO,MISO,PJM',
    routes: 'region-data,fuel-type-data',
    series: 'D',
    start: '2024-01-01T00',
    end: '2024-03-31T23',
  },
  'backfill-2019-2025': {
    respondents: 'PACW,ERCO,CISO,MISO,PJM',
    routes: 'region-data,fuel-type-data',
    series: 'D',
    start: '2019-01-01T00',
    end: '2025-12-31T23',
  },
} as const;
export type PresetName = keyof typeof PRESETS;

export const EIA_BASE_URL = 'https://api.eia.gov/v2/';

/** The flags, derived from the one flag table in flags.ts. */
export type { ExtractFlags } from './flags.ts';

/**
 * What an extract run of either source takes (EIA here, CAISO in caiso-config.ts): where to send
 * requests, the hour range, the request budget, the output folder and the embedded simulator's knobs.
 */
export interface ExtractRunConfig {
  /** undefined: start the embedded simulated server. */
  readonly baseUrl: string | undefined;
  readonly startMs: number;
  readonly endMs: number;
  readonly ratePerHour: number;
  readonly burstPerSecond: number;
  readonly outDir: string;
  readonly resume: boolean;
  readonly timeScale: number;
  readonly faults: FaultRates;
  readonly windowHours: number | undefined;
  readonly maxInFlight: number | undefined;
  readonly timeoutMs: number;
  readonly seed: number;
  readonly latencyMs: number;
}

export interface ExtractConfig extends ExtractRunConfig {
  /** `--data`: recorded history the embedded server replays instead of its synthetic data. */
  readonly data: RecordedRows | undefined;
  readonly apiKey: string | undefined;
  readonly routes: RouteName[];
  readonly respondents: string[];
  readonly series: Partial<Record<RouteName, string[]>>;
  /** Cluster mode: the Redis URL and where it came from (flag or environment), for messages. */
  readonly redis: { readonly url: URL; readonly flag: string } | undefined;
  readonly leaseSeconds: number;
  readonly status: boolean;
}

/** The flags both sources read the same way; only the default burst differs (EIA 5, OASIS 1). */
export function runSettings(
  flags: ExtractFlags,
  defaultBurst: number,
): Pick<ExtractRunConfig, 'burstPerSecond' | 'outDir' | 'resume' | 'maxInFlight' | 'timeoutMs' | 'seed' | 'latencyMs'> {
  return {
    burstPerSecond: positiveInt(flags.burst ?? defaultBurst, '--burst'),
    outDir: writableDir(flags.out),
    resume: flags.resume,
    maxInFlight: flags.maxInFlight === undefined ? undefined : positiveInt(flags.maxInFlight, '--max-in-flight'),
    timeoutMs: positive(flags.timeout, '--timeout') * 1000,
    seed: flags.seed,
    latencyMs: nonNegative(flags.latencyMs, '--latency-ms'),
  };
}

export function resolveConfig(flags: ExtractFlags, env: NodeJS.ProcessEnv = process.env): ExtractConfig {
  if (flags.source !== 'eia')
    throw new ExtractUsageError('--source', `choose "eia" or "caiso", got ${JSON.stringify(flags.source)}`);
  if (flags.reports !== undefined)
    throw new ExtractUsageError('--reports', 'only applies to --source caiso; EIA takes --routes and --series');
  const preset = presetOf(flags.preset);
  checkDataFlags(flags);
  // With --data the embedded server is the target, so an EIA_API_KEY in the environment is not used.
  const apiKey = flags.apiKey ?? (flags.data === undefined ? env['EIA_API_KEY'] || undefined : undefined);
  const baseUrl = flags.baseUrl ?? (apiKey !== undefined ? EIA_BASE_URL : undefined);
  const routes = listOf(flags.routes ?? preset?.routes ?? 'region-data,fuel-type-data', '--routes').map((r) =>
    routeOf(r),
  );
  const { startMs, endMs } = rangeOf(flags.start ?? preset?.start, flags.end ?? preset?.end);
  const timeScale = positive(flags.timeScale, '--time-scale');
  const faults = flags.faults === undefined ? {} : parseFaults(flags.faults, '--faults');
  checkSimOnly(baseUrl, flags, timeScale);
  const redis = redisOf(flags, env, baseUrl);
  const data = flags.data === undefined ? undefined : RecordedRows.load(flags.data);
  return {
    baseUrl,
    data,
    apiKey,
    routes,
    startMs,
    endMs,
    timeScale,
    faults,
    respondents: respondentsOf(
      flags.respondents ?? preset?.respondents ?? data?.summary.respondents.join(',') ?? 'PACW,ERCO,CISO,MISO,PJM',
      data,
    ),
    series: seriesOf(routes, flags.series ?? preset?.series, flags.fuels),
    ratePerHour: rateOf(flags.rate ?? '5000/h'),
    ...runSettings(flags, 5),
    windowHours: flags.windowDays === undefined ? undefined : positiveInt(flags.windowDays, '--window-days') * 24,
    redis,
    leaseSeconds: positive(flags.lease, '--lease'),
    status: flags.status,
  };
}

/**
 * --redis (or WATTRING_REDIS_URL): the URL is checked here (a malformed one exits 3 before anything
 * runs). A cluster's workers must share one API, so the embedded per-process simulator is refused.
 */
function redisOf(flags: ExtractFlags, env: NodeJS.ProcessEnv, baseUrl: string | undefined): ExtractConfig['redis'] {
  const fromEnv = flags.redis === undefined && (env['WATTRING_REDIS_URL'] ?? '') !== '';
  const text = flags.redis ?? (fromEnv ? env['WATTRING_REDIS_URL'] : undefined);
  if (text === undefined) {
    if (flags.status)
      throw new ExtractUsageError(
        '--status',
        'shows a cluster: give --redis redis://HOST:PORT (or WATTRING_REDIS_URL)',
      );
    return undefined;
  }
  const flag = fromEnv ? 'WATTRING_REDIS_URL' : '--redis';
  const url = parseRedisUrl(text, flag);
  if (baseUrl === undefined) {
    throw new ExtractUsageError(
      flag,
      'the workers of a cluster must share one API and key: give --base-url and --api-key (for the simulated API, ' +
        'start `bench serve eia` and pass its URL and any key)',
    );
  }
  return { url, flag };
}

function presetOf(name: string | undefined): (typeof PRESETS)[PresetName] | undefined {
  if (name === undefined) return undefined;
  if (name === 'q1-2024' || name === 'backfill-2019-2025') return PRESETS[name];
  throw new ExtractUsageError(
    '--preset',
    `unknown preset ${JSON.stringify(name)}; choose ${Object.keys(PRESETS).join(' or ')}`,
  );
}

export function listOf(text: string, flag: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new ExtractUsageError(flag, 'give at least one value (comma-separated)');
  return [...new Set(items)];
}

function routeOf(name: string): RouteName {
  if (isRouteName(name)) return name;
  throw new ExtractUsageError(
    '--routes',
    `unknown route ${JSON.stringify(name)}; known routes: ${Object.keys(ROUTES).join(', ')}`,
  );
}

/** --data: only for the embedded server, and its files must be named. */
function checkDataFlags(flags: ExtractFlags): void {
  if (flags.data === undefined) return;
  for (const [given, flag] of [
    [flags.baseUrl, '--base-url'],
    [flags.apiKey, '--api-key'],
    [flags.redis, '--redis'],
  ] as const) {
    if (given !== undefined)
      throw new ExtractUsageError(
        flag,
        'cannot be combined with --data: recorded history is replayed by the embedded simulated server ' +
          '(or start `bench serve eia --data FILE` and pass its URL with --base-url instead of --data)',
      );
  }
  if (flags.data.length === 0 || flags.data.some((f) => f === ''))
    throw new ExtractUsageError('--data', 'give one or more CSV files (period,respondent,type,value)');
}

function respondentsOf(text: string, data: RecordedRows | undefined): string[] {
  const codes = listOf(text, '--respondents').map((c) => c.toUpperCase());
  const recorded = new Set(data?.summary.respondents ?? []);
  const unknown = codes.filter((c) => !KNOWN_RESPONDENTS.has(c) && !recorded.has(c));
  if (unknown.length > 0) {
    throw new ExtractUsageError(
      '--respondents',
      `${unknown.join(', ')} ` +
        `${unknown.length > 1 ? 'are not EIA-930 respondent codes' : 'is not an EIA-930 respondent code'} (the API ` +
        `would answer with an empty result); e.g. PACW, ERCO, CISO, MISO, PJM, SWPP (not SPP)`,
    );
  }
  return codes;
}

function seriesOf(
  routes: RouteName[],
  series: string | undefined,
  fuels: string | undefined,
): Partial<Record<RouteName, string[]>> {
  const out: Partial<Record<RouteName, string[]>> = {};
  if (routes.includes('region-data'))
    out['region-data'] = codesOf(series ?? ROUTES['region-data'].series.join(','), 'region-data', '--series');
  if (routes.includes('fuel-type-data'))
    out['fuel-type-data'] = fuels === undefined ? [] : codesOf(fuels, 'fuel-type-data', '--fuels');
  return out;
}

function codesOf(text: string, route: RouteName, flag: string): string[] {
  const codes = listOf(text, flag).map((c) => c.toUpperCase());
  const bad = codes.filter((c) => !ROUTES[route].series.includes(c));
  if (bad.length > 0)
    throw new ExtractUsageError(
      flag,
      `unknown ${route} series ${bad.join(', ')}; known: ${ROUTES[route].series.join(', ')}`,
    );
  return codes;
}

export function rangeOf(start: string | undefined, end: string | undefined): { startMs: number; endMs: number } {
  if (start === undefined)
    throw new ExtractUsageError('--start', 'required (YYYY-MM-DDTHH, UTC, inclusive), or use --preset');
  if (end === undefined)
    throw new ExtractUsageError('--end', 'required (YYYY-MM-DDTHH, UTC, inclusive), or use --preset');
  const startMs = hourFlag(start, '--start');
  const endMs = hourFlag(end, '--end');
  if (endMs < startMs) throw new ExtractUsageError('--start', `${start} is after --end ${end}`);
  return { startMs, endMs };
}

function hourFlag(text: string, flag: string): number {
  // Date-only input is refused: EIA reads `end=2024-01-31` as T00 and loses 23 hours.
  const ms = /T\d{2}$/.test(text) ? parseHour(text) : undefined;
  if (ms === undefined)
    throw new ExtractUsageError(
      flag,
      `${JSON.stringify(text)} is not a UTC hour; write YYYY-MM-DDTHH, e.g. 2024-01-31T23`,
    );
  return ms;
}

export function rateOf(text: string): number {
  const perHour = parseRate(text, '--rate');
  if (perHour <= 0)
    throw new ExtractUsageError('--rate', 'must be a positive budget such as 5000/h (the client cannot run unlimited)');
  return perHour;
}

function checkSimOnly(baseUrl: string | undefined, flags: ExtractFlags, timeScale: number): void {
  if (baseUrl === undefined) return;
  if (flags.faults !== undefined)
    throw new ExtractUsageError(
      '--faults',
      'only applies to the embedded simulated server (omit --base-url and --api-key)',
    );
  if (baseUrl === EIA_BASE_URL && timeScale !== 1)
    throw new ExtractUsageError('--time-scale', 'only applies to a simulated server, not api.eia.gov');
  try {
    new URL(baseUrl);
  } catch {
    throw new ExtractUsageError(
      '--base-url',
      `${JSON.stringify(baseUrl)} is not a URL; e.g. http://127.0.0.1:8080/v2/`,
    );
  }
}

/** The folder must be creatable and writable; nothing is created here (nothing written on bad input). */
export function writableDir(out: string): string {
  const path = resolve(out);
  let probe = path;
  while (!existsSync(probe)) {
    const parent = dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  try {
    if (!statSync(probe).isDirectory()) throw new Error('not a folder');
    accessSync(probe, constants.W_OK | constants.X_OK);
  } catch {
    throw new ExtractUsageError('--out', `${out} cannot be written (${probe} is not a writable folder)`);
  }
  return path;
}

export function positive(n: number, flag: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new ExtractUsageError(flag, `must be a number > 0, got ${n}`);
  return n;
}

export function nonNegative(n: number, flag: string): number {
  if (!Number.isFinite(n) || n < 0) throw new ExtractUsageError(flag, `must be a number >= 0, got ${n}`);
  return n;
}

export function positiveInt(n: number, flag: string): number {
  if (!Number.isInteger(n) || n <= 0) throw new ExtractUsageError(flag, `must be a whole number > 0, got ${n}`);
  return n;
}
