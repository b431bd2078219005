// Counted (never estimated) request metrics of one extract run: outcomes, latencies, retries,
// and the rate-limit and ceiling efficiencies defined in docs/ingest.md ("Summary fields").
import { PAGE_LENGTH } from './client.ts';
import { quantile } from '../core/index.ts';

/**
 * CAISO adds `no-data` (1000/1001, counted apart from `ok`), `busy` (1015: come back later) and
 * `too-long` (1004: the window is split and asked again).
 */
export type RequestOutcome =
  | 'ok'
  | 'throttled'
  | 'http5xx'
  | 'reset'
  | 'truncated'
  | 'timeout'
  | 'malformed'
  | 'count-mismatch'
  | 'busy'
  | 'no-data'
  | 'too-long'
  | 'fatal';

export class RunStats {
  readonly byOutcome: Record<RequestOutcome, number> = {
    ok: 0,
    throttled: 0,
    http5xx: 0,
    reset: 0,
    truncated: 0,
    timeout: 0,
    malformed: 0,
    'count-mismatch': 0,
    busy: 0,
    'no-data': 0,
    'too-long': 0,
    fatal: 0,
  };
  /** Latency of every answered request, ms of wall time. */
  readonly latencies: number[] = [];
  retries = 0;
  rowsLanded = 0;
  rowsFetched = 0;
  bytes = 0;
  windowsLanded = 0;
  /** Wall-clock ms of the first request start and the last request end. */
  firstStart = Number.POSITIVE_INFINITY;
  lastEnd = 0;
  /** 429s (and throttling 403s) seen after the first successful request. */
  throttledAfterStartup = 0;

  get requests(): number {
    return Object.values(this.byOutcome).reduce((a, b) => a + b, 0);
  }

  record(outcome: RequestOutcome, startMs: number, endMs: number): void {
    this.byOutcome[outcome]++;
    if (outcome === 'throttled' && this.byOutcome.ok > 0) this.throttledAfterStartup++;
    this.latencies.push(endMs - startMs);
    this.firstStart = Math.min(this.firstStart, startMs);
    this.lastEnd = Math.max(this.lastEnd, endMs);
  }
}

export interface RateFigures {
  /** Seconds from the first request's start to the last request's end. */
  readonly activeSeconds: number;
  /** Requests and landed rows per second of wall time. */
  readonly requestsPerSecond: number;
  readonly rowsPerSecond: number;
  /** Both in the server's time base: wall rates ÷ the time scale k. */
  readonly requestsPerHourServerTime: number;
  readonly rowsPerSecondServerTime: number;
  /** Achieved sustained request rate ÷ budget. */
  readonly rateLimitEfficiency: number;
  /** Rows/s ÷ (budget × the most rows one request can carry: 5,000 for EIA). */
  readonly ceilingEfficiency: number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
}

export function rateFigures(
  stats: RunStats,
  budgetPerHour: number,
  timeScale: number,
  rowsPerRequestCeiling = PAGE_LENGTH,
): RateFigures {
  const activeSeconds = stats.requests > 0 ? (stats.lastEnd - stats.firstStart) / 1000 : 0;
  const requestsPerSecond = activeSeconds > 0 ? stats.requests / activeSeconds : 0;
  const rowsPerSecond = activeSeconds > 0 ? stats.rowsLanded / activeSeconds : 0;
  const requestsPerHourServerTime = (requestsPerSecond * 3600) / timeScale;
  const rowsPerSecondServerTime = rowsPerSecond / timeScale;
  return {
    activeSeconds,
    requestsPerSecond,
    rowsPerSecond,
    requestsPerHourServerTime,
    rowsPerSecondServerTime,
    rateLimitEfficiency: requestsPerHourServerTime / budgetPerHour,
    ceilingEfficiency: rowsPerSecondServerTime / ((budgetPerHour / 3600) * rowsPerRequestCeiling),
    latencyP50Ms: latencyQuantile(stats.latencies, 0.5),
    latencyP95Ms: latencyQuantile(stats.latencies, 0.95),
  };
}

/** Latency quantile in ms; 0 when no request completed (the report prints a number either way). */
function latencyQuantile(values: readonly number[], q: number): number {
  return values.length === 0 ? 0 : quantile(values, q);
}
