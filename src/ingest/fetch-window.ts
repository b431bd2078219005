// Fetches one planned window: every page through the key's limiter with retries, then checks the
// rows (count == total, unique keys, inside the window) before anything is landed.
import { PAGE_LENGTH, type EiaClient, type Page, type PageQuery } from './client.ts';
import { newDicts, RowColumns, type WindowDicts } from './columns.ts';
import { EiaError, EiaThrottledError, EiaTransientError } from './errors.ts';
import { HOUR_MS, hoursInclusive } from './hours.ts';
import type { KeyLimiter } from './limiter.ts';
import type { PlannedWindow } from './plan.ts';
import { withRetries, type RetryPolicy } from './retry.ts';
import type { RequestOutcome, RunStats } from './stats.ts';

export type WindowFetch =
  | {
      readonly kind: 'rows';
      readonly rows: RowColumns;
      readonly apiVersion: string;
      readonly pages: number;
      /** Intervals averaged into each row (CAISO's sub-hourly reports); undefined for EIA. */
      readonly intervals?: Int32Array;
    }
  | { readonly kind: 'empty' };

/** Window-level attempts when pages disagree (a revision landed between pages) or keys repeat. */
const WINDOW_ATTEMPTS = 3;

export class WindowFetcher {
  constructor(
    private readonly client: EiaClient,
    private readonly limiter: KeyLimiter,
    private readonly policy: RetryPolicy,
    private readonly stats: RunStats,
  ) {}

  async fetch(window: PlannedWindow): Promise<WindowFetch> {
    let lastProblem: EiaTransientError | undefined;
    for (let attempt = 1; attempt <= WINDOW_ATTEMPTS; attempt++) {
      const dicts = newDicts();
      const first = await this.page(window, 0, dicts);
      if (first.total === 0) return { kind: 'empty' };
      const offsets: number[] = [];
      for (let o = PAGE_LENGTH; o < first.total; o += PAGE_LENGTH) offsets.push(o);
      const rest = await Promise.all(offsets.map((o) => this.page(window, o, dicts)));
      const pages = [first, ...rest];
      lastProblem = checkPages(window, pages);
      if (lastProblem) continue;
      const rows = new RowColumns(dicts, first.total);
      for (const p of pages) rows.append(p.rows);
      lastProblem = checkRows(window, rows);
      if (lastProblem) continue;
      return { kind: 'rows', rows, apiVersion: first.apiVersion, pages: pages.length };
    }
    throw lastProblem ?? new EiaTransientError('count-mismatch', `window ${window.id} did not settle`);
  }

  /** One counted request outside any window (the plan's probe): first page of `query`. */
  probe(query: Omit<PageQuery, 'offset'>): Promise<Page> {
    return this.send({ ...query, offset: 0 }, newDicts());
  }

  private page(window: PlannedWindow, offset: number, dicts: WindowDicts): Promise<Page> {
    return this.send(
      {
        route: window.route,
        respondents: window.respondents,
        series: window.series,
        startMs: window.startMs,
        endMs: window.endMs,
        offset,
      },
      dicts,
    );
  }

  /** Sends one page request through the limiter, retrying per policy; checks its row count. */
  private send(query: PageQuery, dicts: WindowDicts): Promise<Page> {
    return withRetries(() => this.limiter.schedule(() => this.attempt(query, dicts)), this.policy, {
      onRetry: () => this.stats.retries++,
      onThrottle: (ms) => this.limiter.pause(ms),
    });
  }

  private async attempt(query: PageQuery, dicts: WindowDicts): Promise<Page> {
    const start = Date.now();
    try {
      const page = await this.client.fetchPage(query, dicts);
      const expected = Math.min(PAGE_LENGTH, Math.max(0, page.total - query.offset));
      if (page.rows.length !== expected) {
        throw new EiaTransientError(
          'count-mismatch',
          `page at offset ${query.offset} of ${query.route} has ${page.rows.length} rows; total ${page.total} ` +
            `implies ${expected}`,
        );
      }
      const end = Date.now();
      this.stats.record('ok', start, end);
      this.stats.bytes += page.bytes;
      this.stats.rowsFetched += page.rows.length;
      this.limiter.observeLatency(end - start);
      return page;
    } catch (error) {
      this.stats.record(outcomeOf(error), start, Date.now());
      throw error;
    }
  }
}

/** The stats outcome of a failed request (shared with the CAISO fetcher). */
export function outcomeOf(error: unknown): RequestOutcome {
  if (error instanceof EiaThrottledError) return 'throttled';
  if (error instanceof EiaTransientError) return error.kind;
  return error instanceof EiaError && error.retry === 'fatal' ? 'fatal' : 'reset';
}

function checkPages(window: PlannedWindow, pages: readonly Page[]): EiaTransientError | undefined {
  const total = pages[0]?.total ?? 0;
  if (pages.some((p) => p.total !== total)) {
    return new EiaTransientError(
      'count-mismatch',
      `window ${window.id}: pages disagree on total (${pages.map((p) => p.total).join(', ')}); data changed while ` +
        `paging`,
    );
  }
  const received = pages.reduce((a, p) => a + p.rows.length, 0);
  if (received !== total)
    return new EiaTransientError(
      'count-mismatch',
      `window ${window.id}: received ${received} rows, total says ${total}`,
    );
  return undefined;
}

/** Every row inside the window and its respondents, and (period, respondent, series) unique. */
function checkRows(window: PlannedWindow, rows: RowColumns): EiaTransientError | undefined {
  const hours = hoursInclusive(window.startMs, window.endMs);
  const nr = rows.dicts.respondent.values.length;
  const ns = rows.dicts.series.values.length;
  const seen = new Uint8Array(hours * nr * ns);
  const allowed = new Set(window.respondents);
  if (rows.dicts.respondent.values.some((r) => !allowed.has(r))) {
    return new EiaTransientError(
      'malformed',
      `window ${window.id}: reply holds respondents not asked for (${rows.dicts.respondent.values.join(',')})`,
    );
  }
  for (let i = 0; i < rows.length; i++) {
    const h = ((rows.period[i] ?? 0) - window.startMs) / HOUR_MS;
    if (h < 0 || h >= hours)
      return new EiaTransientError('malformed', `window ${window.id}: row ${i} lies outside the window`);
    const key = (h * nr + (rows.respondent[i] ?? 0)) * ns + (rows.series[i] ?? 0);
    if (seen[key])
      return new EiaTransientError(
        'count-mismatch',
        `window ${window.id}: row ${i} repeats a (period, respondent, series) key`,
      );
    seen[key] = 1;
  }
  return undefined;
}
