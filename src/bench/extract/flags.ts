// The yargs flags shared by `bench extract` and `bench extract-sweep`.
import type { Argv } from 'yargs';
import type { ExtractFlags } from './config.ts';

export function extractOptions(y: Argv) {
  return y
    .option('source', { type: 'string', default: 'eia', describe: 'Data source (eia)' })
    .option('base-url', { type: 'string', describe: 'API base ending in /v2/ (default: api.eia.gov with a key, else the embedded simulated server)' })
    .option('api-key', { type: 'string', describe: 'EIA API key (or env EIA_API_KEY); never printed or stored' })
    .option('preset', { type: 'string', describe: 'q1-2024 (5 regions, Q1 2024, demand + fuel mix) or backfill-2019-2025' })
    .option('respondents', { type: 'string', describe: 'Comma-separated respondent codes (default PACW,ERCO,CISO,MISO,PJM)' })
    .option('routes', { type: 'string', describe: 'region-data,fuel-type-data (default both)' })
    .option('series', { type: 'string', describe: 'region-data series: D,DF,NG,TI (default all four)' })
    .option('fuels', { type: 'string', describe: 'fuel-type-data fuel codes (default: every fuel the respondent reports)' })
    .option('start', { type: 'string', describe: 'First hour, YYYY-MM-DDTHH UTC, inclusive' })
    .option('end', { type: 'string', describe: 'Last hour, YYYY-MM-DDTHH UTC, inclusive' })
    .option('rate', { type: 'string', default: '5000/h', describe: 'Sustained request budget of the key (e.g. 5000/h, 90/min)' })
    .option('burst', { type: 'number', default: 5, describe: 'Most requests in any one second' })
    .option('out', { type: 'string', default: 'out/extract', describe: 'Folder for the Arrow files and manifest.json' })
    .option('resume', { type: 'boolean', default: false, describe: 'Continue the run in --out, skipping landed windows' })
    .option('time-scale', { type: 'number', default: 1, describe: 'Simulated time compression k: rates × k, durations ÷ k (server and client)' })
    .option('faults', { type: 'string', describe: 'Simulated faults, e.g. 5xx=0.1,reset=0.02,truncated=0.01,stall=0.01' })
    .option('window-days', { type: 'number', describe: 'Fixed window length in days (default: sized so pages hold ~5,000 rows)' })
    .option('max-in-flight', { type: 'number', describe: 'Fixed cap on requests in flight (default: adapts to latency)' })
    .option('timeout', { type: 'number', default: 60, describe: 'Per-request timeout, seconds (server time; ÷ time scale)' })
    .option('seed', { type: 'number', default: 1, describe: 'Simulated server seed' })
    .option('latency-ms', { type: 'number', default: 1000, describe: 'Simulated server median latency, ms (server time)' });
}

/** The parsed flags as yargs names them (kebab-case), as far as flagsFrom reads them. */
interface ParsedExtractArgs {
  readonly source: string;
  readonly 'base-url'?: string | undefined;
  readonly 'api-key'?: string | undefined;
  readonly preset?: string | undefined;
  readonly respondents?: string | undefined;
  readonly routes?: string | undefined;
  readonly series?: string | undefined;
  readonly fuels?: string | undefined;
  readonly start?: string | undefined;
  readonly end?: string | undefined;
  readonly rate: string;
  readonly burst: number;
  readonly out: string;
  readonly resume: boolean;
  readonly 'time-scale': number;
  readonly faults?: string | undefined;
  readonly 'window-days'?: number | undefined;
  readonly 'max-in-flight'?: number | undefined;
  readonly timeout: number;
  readonly seed: number;
  readonly 'latency-ms': number;
}

/** yargs' parsed flags (kebab-case keys) → the ExtractFlags that resolveConfig checks. */
export function flagsFrom(a: ParsedExtractArgs): ExtractFlags {
  return {
    source: a.source, baseUrl: a['base-url'], apiKey: a['api-key'], preset: a.preset, respondents: a.respondents, routes: a.routes,
    series: a.series, fuels: a.fuels, start: a.start, end: a.end, rate: a.rate, burst: a.burst, out: a.out, resume: a.resume,
    timeScale: a['time-scale'], faults: a.faults, windowDays: a['window-days'], maxInFlight: a['max-in-flight'], timeout: a.timeout,
    seed: a.seed, latencyMs: a['latency-ms'],
  };
}
