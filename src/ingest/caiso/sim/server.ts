// The simulated CAISO OASIS twin on loopback: `GET /oasisapi/SingleZip` with the real parameters,
// one request per 5 s (429 HTML page over it), ERR_CODE documents, latency, faults, a time scale.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Delivery, type Reply } from '../../sim/delivery.ts';
import { faultVariant, latencyMs, pickFault, stallMs } from '../../sim/faults.ts';
import { RateGate } from '../../sim/limiter.ts';
import { uniform, Stream } from '../../sim/noise.ts';
import { resolveSimOptions, type FaultRates, type ResolvedSimOptions } from '../../sim/options.ts';
import { StatsRecorder, type SimStats } from '../../sim/stats.ts';
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

export interface CaisoSimServer {
  /** API base, e.g. `http://127.0.0.1:41234/oasisapi`. */
  readonly url: string;
  stats(): SimStats;
  close(): Promise<void>;
}

class TwinHandler {
  readonly stats: StatsRecorder;
  private readonly gate: RateGate;
  private readonly delivery: Delivery;
  private readonly values: TwinValues;
  private backendRequests = 0;

  constructor(
    private readonly o: ResolvedSimOptions,
    private readonly busy: number,
    private readonly maxSpanMs: number,
  ) {
    this.gate = new RateGate(o.rateLimitPerHour, o.burstPerSecond, o.timeScale);
    this.stats = new StatsRecorder(1000 / o.timeScale);
    this.delivery = new Delivery(this.stats);
    this.values = new TwinValues(o.seed);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const now = performance.now();
    this.stats.request(now);
    const url = new URL(req.url ?? '/', 'http://twin.invalid');
    // OASIS limits per client address, before looking at the query; every client of a twin shares it.
    if (this.gate.admit('client', now).kind === 'limited') {
      this.delivery.send(res, throttledReply());
      return;
    }
    const n = this.backendRequests++;
    const fault = pickFault(this.o.seed, n, this.o.faults);
    if (fault !== undefined) this.stats.fault(fault);
    if (fault === 'stall') {
      this.delivery.later(res, stallMs(this.o.timeScale), () => req.socket.destroy());
      return;
    }
    let reply = this.answer(req.method ?? 'GET', url, n);
    if (fault === 'http5xx') reply = badGatewayReply(faultVariant(this.o.seed, n) === 0 ? 502 : 503);
    const delay = latencyMs(this.o.seed, n, this.o.latencyMedianMs, Math.min(5000, reply.rows / 10), this.o.timeScale);
    this.delivery.later(res, delay, () => this.delivery.deliver(req, res, reply, fault, faultVariant(this.o.seed, n)));
  }

  private answer(method: string, url: URL, n: number): Reply {
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

  /** queryname, version and market_run_id as the report needs them; resultformat 6 (CSV). */
  private reportRun(q: URLSearchParams): CaisoReportRun | undefined {
    const name = q.get('queryname') ?? '';
    if (!isCaisoReport(name) || q.get('resultformat') !== '6') return undefined;
    const spec = CAISO_REPORTS[name];
    const marketRun = q.get('market_run_id') ?? '';
    if (q.get('version') !== String(spec.version) || !spec.marketRuns.includes(marketRun)) return undefined;
    return { report: name, marketRun };
  }

  cancelPending(): void {
    this.delivery.cancelPending();
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('server has no TCP address'));
      else resolve(address.port);
    });
  });
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
  const handler = new TwinHandler(o, busy, maxSpanDays * 86_400_000);
  const server = createServer({ keepAlive: true }, (req, res) => handler.handle(req, res));
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket) => {
    handler.stats.connection();
    socket.on('error', () => {}); // resets we inject must not crash the server
  });
  const port = await listen(server, o.port, o.host);
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/oasisapi`,
    stats: () => handler.stats.snapshot(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        handler.cancelPending();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
