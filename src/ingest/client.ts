// One EIA v2 page request: builds the URL, sends it with global fetch over a keep-alive undici
// Agent, and turns the reply into columns or a classified error. Retries live in retry.ts.
import { Agent, type Dispatcher } from 'undici';
import { RowColumns, type WindowDicts } from './columns.ts';
import {
  EiaApiError,
  type EiaError,
  EiaKeyError,
  EiaNotFoundError,
  EiaParamError,
  EiaThrottledError,
  EiaTransientError,
} from './errors.ts';
import { formatHour } from './hours.ts';
import { redactText } from './redact.ts';
import { ROUTES, type RouteName } from './routes.ts';
import { EnvelopeSchema, ErrorBodySchema, parseRows, RowCheckError, type ErrorBody } from './schema.ts';

/** The API's page size limit for JSON (`length` at most 5,000 rows in JSON; docs/ingest.md "How it works"). */
export const PAGE_LENGTH = 5000;

export interface PageQuery {
  readonly route: RouteName;
  readonly respondents: readonly string[];
  /** Series codes to ask for; empty = every series of the route (no facet). */
  readonly series: readonly string[];
  /** Inclusive hour bounds, epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly offset: number;
}

export interface Page {
  readonly rows: RowColumns;
  readonly total: number;
  readonly warnings: readonly string[];
  readonly apiVersion: string;
  readonly bytes: number;
}

export interface EiaClientOptions {
  /** API base ending in `/v2/`, e.g. https://api.eia.gov/v2/ or a simulated server's URL. */
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  /** Per-request timeout (connect to last byte), ms. */
  readonly timeoutMs: number;
  /** Keep-alive connection pool; one is created when not given. */
  readonly dispatcher?: Dispatcher;
}

export class EiaClient {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(options: EiaClientOptions) {
    this.baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 256 });
  }

  /** The full request URL (with the key: never print it, use redactUrl). */
  url(query: PageQuery): URL {
    const spec = ROUTES[query.route];
    const u = new URL(spec.path, this.baseUrl);
    const p = u.searchParams;
    p.set('frequency', 'hourly');
    p.append('data[0]', 'value');
    for (const r of query.respondents) p.append('facets[respondent][]', r);
    for (const s of query.series) p.append(`facets[${spec.seriesFacet}][]`, s);
    p.set('start', formatHour(query.startMs));
    p.set('end', formatHour(query.endMs));
    // Sort on the full key (period, respondent, series) or pages are unstable under offset paging.
    ['period', 'respondent', spec.seriesFacet].forEach((column, i) => {
      p.set(`sort[${i}][column]`, column);
      p.set(`sort[${i}][direction]`, 'asc');
    });
    p.set('offset', String(query.offset));
    p.set('length', String(PAGE_LENGTH));
    if (this.apiKey !== undefined) p.set('api_key', this.apiKey);
    return u;
  }

  /** Sends one request and parses its page into columns that share `dicts`. Throws EiaError. */
  async fetchPage(query: PageQuery, dicts: WindowDicts): Promise<Page> {
    const url = this.url(query);
    const where = `${query.route} ${formatHour(query.startMs)}..${formatHour(query.endMs)} offset ${query.offset}`;
    const { status, headers, text } = await this.send(url, where);
    return this.interpret(status, headers, text, query, dicts, where);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async send(url: URL, where: string): Promise<{ status: number; headers: Headers; text: string }> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      // Global fetch (so nock can intercept it) with our keep-alive pool as dispatcher. Node's
      // RequestInit types `dispatcher` with its bundled undici-types, not undici 7's class, so it is
      // attached with Object.assign rather than a cast; undici 7 agents accept Node 20's handlers.
      const init: RequestInit = { signal, headers: { accept: 'application/json' } };
      Object.assign(init, { dispatcher: this.dispatcher });
      const res = await fetch(url, init);
      const text = await res.text();
      return { status: res.status, headers: res.headers, text };
    } catch (error) {
      throw this.networkError(error, where, signal.aborted);
    }
  }

  private networkError(error: unknown, where: string, timedOut: boolean): EiaTransientError {
    const detail = redactText(describeCause(error), this.apiKey);
    if (timedOut) return new EiaTransientError('timeout', `EIA request ${where} timed out after ${this.timeoutMs} ms`);
    return new EiaTransientError(networkFaultKind(detail), `EIA request ${where} failed: ${detail}`);
  }

  private interpret(
    status: number,
    headers: Headers,
    text: string,
    query: PageQuery,
    dicts: WindowDicts,
    where: string,
  ): Page {
    if (status === 429) throw new EiaThrottledError(where, status, retryAfterMs(headers));
    const json = parseJson(text, status, where);
    const errorBody = ErrorBodySchema.safeParse(json);
    if (errorBody.success) throw this.bodyError(errorBody.data, status, headers, query.route, where);
    if (status >= 500) throw new EiaTransientError('http5xx', `EIA answered HTTP ${status} for ${where}`);
    if (status !== 200)
      throw new EiaApiError(where, `unexpected HTTP ${status}: ${redactText(text.slice(0, 200), this.apiKey)}`);
    return this.toPage(json, query, dicts, where, text.length);
  }

  private toPage(json: unknown, query: PageQuery, dicts: WindowDicts, where: string, bytes: number): Page {
    const env = EnvelopeSchema.safeParse(json);
    if (!env.success) {
      const issue = env.error.issues[0];
      const path = issue ? issue.path.join('.') : '';
      throw new EiaTransientError(
        'malformed',
        `EIA reply for ${where} does not match the v2 envelope at "${path}": ${issue?.message ?? ''}`,
      );
    }
    const rows = new RowColumns(dicts, env.data.response.data.length);
    try {
      parseRows(env.data.response.data, { seriesField: ROUTES[query.route].seriesFacet }, rows);
    } catch (error) {
      if (error instanceof RowCheckError)
        throw new EiaTransientError('malformed', `EIA reply for ${where}: response.${error.message}`);
      throw error;
    }
    const warnings = (env.data.warnings ?? []).map((w) => w.warning);
    return { rows, total: env.data.response.total, warnings, apiVersion: env.data.apiVersion ?? 'unknown', bytes };
  }

  private bodyError(body: ErrorBody, status: number, headers: Headers, route: RouteName, where: string): EiaError {
    const code = typeof body.error === 'string' ? String(body.code ?? status) : (body.error.code ?? '');
    const message = redactText(typeof body.error === 'string' ? body.error : (body.error.message ?? code), this.apiKey);
    if (code === 'API_KEY_INVALID') return new EiaKeyError('invalid', route);
    if (code === 'API_KEY_MISSING') return new EiaKeyError('missing', route);
    if (code === 'OVER_RATE_LIMIT' || /rate limit/i.test(message))
      return new EiaThrottledError(where, status, retryAfterMs(headers));
    if (code === '404' || /not found/i.test(message))
      return new EiaNotFoundError(`${ROUTES[route].path} (${route})`, status);
    if (code === '400' || status === 400) return new EiaParamError(where, message, parameterIn(message));
    if (status >= 500) return new EiaTransientError('http5xx', `EIA answered HTTP ${status} for ${where}: ${message}`);
    return new EiaApiError(where, message);
  }
}

function parseJson(text: string, status: number, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (status >= 500)
      throw new EiaTransientError('http5xx', `EIA answered HTTP ${status} for ${where} (non-JSON body)`);
    throw new EiaTransientError(
      'truncated',
      `EIA reply for ${where} is not complete JSON (${text.length} bytes, HTTP ${status})`,
    );
  }
}

/** A failed fetch's description → reset or truncated; shared with the CAISO client. */
export function networkFaultKind(detail: string): 'reset' | 'truncated' {
  // A reset mid-body also ends the body early: only call it truncated when the socket was not reset.
  const reset = /ECONNRESET|socket hang up/i.test(detail);
  return !reset && /terminated|premature close|content-length|other side closed/i.test(detail) ? 'truncated' : 'reset';
}

/** Retry-After in seconds (possibly fractional, from a time-scaled simulator) or an HTTP date → ms. */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** EIA names the offending parameter in its message (e.g. `Invalid parameter "frequency"`). */
function parameterIn(message: string): string | undefined {
  const quoted = /["'`]([a-z_[\]0-9]+)["'`]/i.exec(message);
  if (quoted?.[1]) return quoted[1];
  const known = /\b(start|end|frequency|offset|length|facets|sort|data)\b/i.exec(message);
  return known?.[1];
}

export function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  const causeText =
    cause instanceof Error ? `${cause.message}${'code' in cause ? ` (${String(cause.code)})` : ''}` : '';
  return causeText ? `${error.message}: ${causeText}` : error.message;
}
