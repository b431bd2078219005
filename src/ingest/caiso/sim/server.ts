// The simulated CAISO OASIS twin on loopback (the shared loop of ../../sim/loop.ts): `GET
// /oasisapi/SingleZip` with the real parameters, one request per 5 s (429 HTML page over it),
// ERR_CODE documents, latency, faults, a time scale.
import { DAY_MS } from '../../../core/index.ts';
import type { Reply } from '../../sim/delivery.ts';
import type { Admission } from '../../sim/limiter.ts';
import { serveSim, type SimBackend, type SimServer } from '../../sim/loop.ts';
import { uniform, Stream } from '../../sim/noise.ts';
import { resolveSimOptions, type FaultRates, type ResolvedSimOptions } from '../../sim/options.ts';
import { parseOasisTime } from '../oasis-time.ts';
import { CAISO_REPORTS, isCaisoReport, type CaisoReportRun } from '../reports.ts';
import { twinCsv } from './csv.ts';
import { badGatewayReply, errorReply, throttledReply, zipReply } from './replies.ts';
import { TwinValues } from './values.ts';

export interface CaisoSimOptions {
  readonly host?: string;
  readonly port?: number;
  readonly seed?: number;
  /** Sustained limit; OASIS allows 720/h (one request per 5 s) in bursts of one. 0 = unlimited. */
  readonly rateLimitPerHour?: number;
  readonly burstPerSecond?: number;
  readonly latencyMedianMs?: number;
  readonly timeScale?: number;
  readonly faults?: FaultRates;
  /** Probability that a data request is answered with ERR_CODE 1015 ("GroupZip in processing"). */
  readonly busy?: number;
  /** Longest window answered before ERR_CODE 1004, days (OASIS: 31); smaller makes clients split. */
  readonly maxSpanDays?: number;
}

/** API base, e.g. `http://127.0.0.1:41234/oasisapi`. */
export type CaisoSimServer = SimServer;

class TwinBackend implements SimBackend {
  private readonly values: TwinValues;

  constructor(
    private readonly o: ResolvedSimOptions,
    private readonly busy: number,
    private readonly maxSpanMs: number,
  ) {
    this.values = new TwinValues(o.seed);
  }

  /** OASIS limits per client address, before looking at the query; every client of a twin shares it. */
  gateway(_method: string, _url: URL, admit: (client: string) => Admission): Reply | undefined {
    return admit('client').kind === 'limited' ? throttledReply() : undefined;
  }

  answer(method: string, url: URL, n: number): Reply {
    if (method !== 'GET' || url.pathname.replace(/\/+$/, '') !== '/oasisapi/SingleZip') {
      return {
        status: 404,
        body: Buffer.from('<html><body>Not Found</body></html>'),
        contentType: 'text/html',
        headers: {},
        rows: 0,
      };
    }
    const q = url.searchParams;
    const run = this.reportRun(q);
    if (run === undefined) return errorReply('1001');
    const start = parseOasisTime(q.get('startdatetime') ?? '');
    if (start === undefined) return errorReply('1002', `startdatetime ${JSON.stringify(q.get('startdatetime'))}`);
    const end = parseOasisTime(q.get('enddatetime') ?? '');
    if (end === undefined) return errorReply('1002', `enddatetime ${JSON.stringify(q.get('enddatetime'))}`);
    if (end - start > this.maxSpanMs) return errorReply('1004');
    if (this.busy > 0 && uniform(this.o.seed, Stream.caisoBusy, 0, n) < this.busy) return errorReply('1015');
    const csv = twinCsv(this.values, this.o.seed, run, start, end);
    if (csv.rows === 0) return errorReply('1000');
    const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
    return zipReply(`${day(start)}_${day(end)}_${run.report}_${run.marketRun}_v1.csv`, csv.text, csv.rows);
  }

  serverError(variant: number): Reply {
    return badGatewayReply(variant === 0 ? 502 : 503);
  }

  /** The latency model's size term for a zipped CSV: a tenth of its rows, at most 5000. */
  latencyRows(reply: Reply): number {
    return Math.min(5000, reply.rows / 10);
  }

  /** queryname, version and market_run_id as the report needs them; resultformat 6 (CSV). */
  private reportRun(q: URLSearchParams): CaisoReportRun | undefined {
    const name = q.get('queryname') ?? '';
    if (!isCaisoReport(name) || q.get('resultformat') !== '6') return undefined;
    const spec = CAISO_REPORTS[name];
    const marketRun = q.get('market_run_id') ?? '';
    if (q.get('version') !== String(spec.version) || !spec.marketRuns.includes(marketRun)) return undefined;
    return { report: name, marketRun };
  }
}

/** Starts the twin; defaults: OASIS's one request per 5 s in bursts of one, 1 s median latency. */
export async function startCaisoSimServer(options: CaisoSimOptions = {}): Promise<CaisoSimServer> {
  const o = resolveSimOptions({
    ...options,
    rateLimitPerHour: options.rateLimitPerHour ?? 720,
    burstPerSecond: options.burstPerSecond ?? 1,
  });
  const busy = options.busy ?? 0;
  if (!(busy >= 0 && busy <= 1)) throw new RangeError(`CAISO twin option busy must be a probability 0..1, got ${busy}`);
  const maxSpanDays = options.maxSpanDays ?? 31;
  if (!(maxSpanDays > 0)) throw new RangeError(`CAISO twin option maxSpanDays must be > 0, got ${maxSpanDays}`);
  return serveSim(o, new TwinBackend(o, busy, maxSpanDays * DAY_MS), '/oasisapi');
}
