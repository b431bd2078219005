// One OASIS SingleZip request: builds the URL, sends it with global fetch over a keep-alive undici
// Agent, and turns the ZIP into hourly rows or a classified error. Retries live in ../retry.ts.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';
import { describeCause, networkFaultKind, retryAfterMs } from '../client.ts';
import type { EiaError } from '../errors.ts';
import { formatHour, HOUR_MS } from '../hours.ts';
import {
  CaisoApiError,
  CaisoParamError,
  CaisoThrottledError,
  CaisoTransientError,
  CaisoWindowTooLongError,
} from './errors.ts';
import { CsvShapeError, hourlyRows, type HourlyRows } from './hourly.ts';
import { formatOasisTime } from './oasis-time.ts';
import { PayloadError, readPayload, type OasisPayload } from './reply.ts';
import { CAISO_REPORTS, reportRunName, type CaisoReportRun } from './reports.ts';

export const CAISO_BASE_URL = 'https://oasis.caiso.com/oasisapi';

export interface CaisoQuery {
  readonly run: CaisoReportRun;
  /** Inclusive hour-ending bounds, epoch ms on the hour (UTC). */
  readonly startMs: number;
  readonly endMs: number;
}

export type CaisoReply =
  | ({ readonly kind: 'rows'; readonly bytes: number } & HourlyRows)
  /** ERR_CODE 1000/1001: OASIS has nothing for the query. Never a silent success: callers count it. */
  | { readonly kind: 'no-data'; readonly errCode: string; readonly description: string; readonly bytes: number };

export interface CaisoClientOptions {
  /** OASIS API base, e.g. https://oasis.caiso.com/oasisapi or a simulated twin's URL. */
  readonly baseUrl: string;
  /** Per-request timeout (connect to last byte), ms of wall time. */
  readonly timeoutMs: number;
  /** k of a time-scaled twin: the 429 body's "after 5 seconds" is waited ÷ k. */
  readonly timeScale?: number;
  readonly dispatcher?: Dispatcher;
  /**
   * Called with performance.now() when a SingleZip request's headers are written to the socket
   * (undici's `undici:client:sendHeaders` diagnostics channel): the limiter spaces the next start
   * from there (KeyLimiter.markSent).
   */
  readonly onSent?: (atMs: number) => void;
}

/** The part of undici's sendHeaders message we read (undici 7 lib/core/diagnostics.js). */
function sentRequest(message: unknown): { origin: string; path: string } | undefined {
  if (typeof message !== 'object' || message === null || !('request' in message)) return undefined;
  const request: unknown = message.request;
  if (typeof request !== 'object' || request === null || !('origin' in request) || !('path' in request))
    return undefined;
  const { origin, path } = request;
  return typeof path === 'string' ? { origin: String(origin), path } : undefined;
}

const SEND_HEADERS = 'undici:client:sendHeaders';

export class CaisoClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly timeScale: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly onSendHeaders: ((message: unknown) => void) | undefined;

  constructor(options: CaisoClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.timeScale = options.timeScale ?? 1;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 16 });
    const onSent = options.onSent;
    if (onSent !== undefined) {
      const base = new URL(`${this.baseUrl}/SingleZip`);
      this.onSendHeaders = (message) => {
        const at = performance.now();
        const sent = sentRequest(message);
        if (sent !== undefined && new URL(sent.origin).origin === base.origin && sent.path.startsWith(base.pathname))
          onSent(at);
      };
      subscribe(SEND_HEADERS, this.onSendHeaders);
    }
  }

  /** The request URL: hour-ending [start, end] asks for intervals starting in [start − 1 h, end). */
  url(query: CaisoQuery): URL {
    const u = new URL(`${this.baseUrl}/SingleZip`);
    const p = u.searchParams;
    p.set('queryname', query.run.report);
    p.set('version', String(CAISO_REPORTS[query.run.report].version));
    p.set('market_run_id', query.run.marketRun);
    p.set('startdatetime', formatOasisTime(query.startMs - HOUR_MS));
    p.set('enddatetime', formatOasisTime(query.endMs));
    p.set('resultformat', '6');
    return u;
  }

  /** Sends one request; the rows are hourly, inside the query's hours. Throws EiaError subclasses. */
  async fetchReport(query: CaisoQuery): Promise<CaisoReply> {
    const where = `${reportRunName(query.run)} ${formatHour(query.startMs)}..${formatHour(query.endMs)}`;
    const { status, headers, body } = await this.send(this.url(query), where);
    if (status === 429) throw new CaisoThrottledError(where, retryAfterMs(headers) ?? this.bodyWait(body));
    if (status >= 500) throw new CaisoTransientError('http5xx', `CAISO OASIS answered HTTP ${status} for ${where}`);
    if (status !== 200)
      throw new CaisoApiError(where, `HTTP ${status}`, Buffer.from(body.subarray(0, 200)).toString('utf8'));
    return this.interpret(body, query, where);
  }

  async close(): Promise<void> {
    if (this.onSendHeaders !== undefined) unsubscribe(SEND_HEADERS, this.onSendHeaders);
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async send(url: URL, where: string): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      // Global fetch (nock intercepts it) with our pool as dispatcher, attached as in ../client.ts.
      const init: RequestInit = { signal };
      Object.assign(init, { dispatcher: this.dispatcher });
      const res = await fetch(url, init);
      const body = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, headers: res.headers, body };
    } catch (error) {
      if (signal.aborted)
        throw new CaisoTransientError('timeout', `CAISO OASIS request ${where} timed out after ${this.timeoutMs} ms`);
      const detail = describeCause(error);
      throw new CaisoTransientError(networkFaultKind(detail), `CAISO OASIS request ${where} failed: ${detail}`, {
        cause: error,
      });
    }
  }

  /** The 429 page says "Please retry your request after 5 seconds": that wait, ÷ k. */
  private bodyWait(body: Uint8Array): number | undefined {
    const seconds = /after\s+(\d+(?:\.\d+)?)\s+seconds?/i.exec(Buffer.from(body).toString('utf8'))?.[1];
    return seconds === undefined ? undefined : (Number(seconds) * 1000) / this.timeScale;
  }

  private interpret(body: Uint8Array, query: CaisoQuery, where: string): CaisoReply {
    let payload: OasisPayload;
    try {
      payload = readPayload(body);
    } catch (error) {
      if (error instanceof PayloadError)
        throw new CaisoTransientError('truncated', `CAISO OASIS reply for ${where}: ${error.message}`);
      throw error;
    }
    if (payload.kind === 'error') return this.errorReply(payload.errCode, payload.description, body.length, where);
    try {
      return { kind: 'rows', bytes: body.length, ...hourlyRows(payload.text, query.run, query.startMs, query.endMs) };
    } catch (error) {
      if (error instanceof CsvShapeError)
        throw new CaisoTransientError(
          'malformed',
          `CAISO OASIS reply for ${where}, ${payload.member}: ${error.message}`,
        );
      throw error;
    }
  }

  /** ERR_CODE → no data (1000, 1001), or the error class the retry loop and fetcher act on. */
  private errorReply(errCode: string, description: string, bytes: number, where: string): CaisoReply {
    if (errCode === '1000' || errCode === '1001') return { kind: 'no-data', errCode, description, bytes };
    throw caisoError(errCode, description, where);
  }
}

function caisoError(errCode: string, description: string, where: string): EiaError {
  if (errCode === '1002') return new CaisoParamError(where, dateParameterIn(description), description);
  if (errCode === '1004') return new CaisoWindowTooLongError(where, description);
  if (errCode === '1015')
    return new CaisoTransientError(
      'busy',
      `CAISO OASIS is still preparing ${where} (ERR_CODE 1015: ${description}); retrying later`,
    );
  return new CaisoApiError(where, errCode, description);
}

/** OASIS may name the bad bound in ERR_DESC; otherwise both date parameters are suspects. */
function dateParameterIn(description: string): string {
  if (/enddatetime/i.test(description)) return 'enddatetime';
  if (/startdatetime/i.test(description)) return 'startdatetime';
  return 'startdatetime/enddatetime';
}
