// `bench extract --source caiso` flags → a checked CAISO configuration: the reports and market runs,
// the hour range, OASIS's one request per 5 s. Every problem names its flag; nothing is written.
import {
  CAISO_BASE_URL,
  CAISO_RATE_PER_HOUR,
  CAISO_REPORTS,
  ExtractUsageError,
  isCaisoReport,
  MAX_WINDOW_HOURS,
  parseFaults,
  type CaisoReportRun,
} from '../../ingest/index.ts';
import { listOf, positive, positiveInt, rangeOf, rateOf, runSettings, type ExtractRunConfig } from './config.ts';
import type { ExtractFlags } from './flags.ts';

export const DEFAULT_CAISO_REPORTS = 'SLD_FCST:ACTUAL,SLD_FCST:DAM,SLD_REN_FCST:DAM';

export interface CaisoExtractConfig extends ExtractRunConfig {
  readonly runs: CaisoReportRun[];
}

/** EIA's selection flags mean nothing to OASIS: refuse them instead of ignoring them. */
const EIA_ONLY = [
  ['apiKey', '--api-key'],
  ['preset', '--preset'],
  ['respondents', '--respondents'],
  ['routes', '--routes'],
  ['series', '--series'],
  ['fuels', '--fuels'],
] as const;

export function resolveCaisoConfig(flags: ExtractFlags): CaisoExtractConfig {
  for (const [key, flag] of EIA_ONLY) {
    if (flags[key] !== undefined)
      throw new ExtractUsageError(flag, 'only applies to --source eia; CAISO takes --reports REPORT:MARKET_RUN,…');
  }
  const runs = runsOf(flags.reports ?? DEFAULT_CAISO_REPORTS);
  const { startMs, endMs } = rangeOf(flags.start, flags.end);
  const timeScale = positive(flags.timeScale, '--time-scale');
  const baseUrl = baseUrlOf(flags, timeScale);
  const ratePerHour = rateOf(flags.rate ?? `${CAISO_RATE_PER_HOUR}/h`);
  if (baseUrl === CAISO_BASE_URL && ratePerHour > CAISO_RATE_PER_HOUR) {
    throw new ExtractUsageError(
      '--rate',
      `OASIS allows one request per 5 s (720/h); ${flags.rate ?? ''} would get HTTP 429s`,
    );
  }
  return {
    baseUrl,
    runs,
    startMs,
    endMs,
    timeScale,
    ratePerHour,
    faults: flags.faults === undefined ? {} : parseFaults(flags.faults, '--faults'),
    ...runSettings(flags, 1),
    windowHours: windowHoursOf(flags.windowDays),
  };
}

/** `SLD_FCST:ACTUAL,SLD_REN_FCST:DAM` → report runs, each checked against the report's market runs. */
function runsOf(text: string): CaisoReportRun[] {
  return listOf(text, '--reports').map((item) => {
    const [report = '', marketRun, ...rest] = item.split(':').map((s) => s.trim().toUpperCase());
    if (!isCaisoReport(report)) {
      throw new ExtractUsageError(
        '--reports',
        `unknown CAISO report ${JSON.stringify(report)} in ${JSON.stringify(item)}; known: ` +
          `${Object.keys(CAISO_REPORTS).join(', ')}`,
      );
    }
    const runs = CAISO_REPORTS[report].marketRuns;
    if (marketRun === undefined || rest.length > 0 || !runs.includes(marketRun)) {
      throw new ExtractUsageError(
        '--reports',
        `${JSON.stringify(item)} needs one market run of ${report}: write ` +
          `${runs.map((r) => `${report}:${r}`).join(', ')}`,
      );
    }
    return { report, marketRun };
  });
}

function baseUrlOf(flags: ExtractFlags, timeScale: number): string | undefined {
  if (flags.baseUrl === undefined) return undefined;
  const url = flags.baseUrl.replace(/\/+$/, '');
  try {
    new URL(url);
  } catch {
    throw new ExtractUsageError('--base-url', `${JSON.stringify(flags.baseUrl)} is not a URL; e.g. ${CAISO_BASE_URL}`);
  }
  if (flags.faults !== undefined)
    throw new ExtractUsageError('--faults', 'only applies to the embedded simulated twin (omit --base-url)');
  if (url === CAISO_BASE_URL && timeScale !== 1)
    throw new ExtractUsageError('--time-scale', 'only applies to a simulated server, not oasis.caiso.com');
  return url;
}

function windowHoursOf(days: number | undefined): number | undefined {
  if (days === undefined) return undefined;
  const hours = positiveInt(days, '--window-days') * 24;
  if (hours > MAX_WINDOW_HOURS)
    throw new ExtractUsageError(
      '--window-days',
      `OASIS answers at most 31 days per request; give 1..${MAX_WINDOW_HOURS / 24}, got ${days}`,
    );
  return hours;
}
