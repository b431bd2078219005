// The simulated EIA API v2 server on loopback (node:http, keep-alive): key check, rate limit,
// injected faults and latency in front of the synthetic data routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { routeForPath } from './catalog.ts';
import { syntheticRows } from './dataset.ts';
import { Delivery, type Reply } from './delivery.ts';
import { dataBody, replies, type ErrorReply } from './envelope.ts';
import { faultVariant, latencyMs, pickFault, stallMs } from './faults.ts';
import { RateGate, formatRetryAfter } from './limiter.ts';
import { resolveSimOptions, type EiaSimOptions, type ResolvedSimOptions } from './options.ts';
import { parseSimQuery } from './query.ts';
import type { RowSource } from './rows.ts';
import { StatsRecorder, type SimStats } from './stats.ts';

export interface EiaSimServer {
  /** Base URL ending in `/v2/`, e.g. `http://127.0.0.1:41234/v2/`. */
  readonly url: string;
  stats(): SimStats;
  /** Stops listening, drops open connections and pending replies. */
  close(): Promise<void>;
}

const toReply = (r: ErrorReply): Reply => ({
  status: r.status,
  body: Buffer.from(r.body),
  contentType: r.contentType,
  headers: r.headers ?? {},
  rows: 0,
});

class SimHandler {
  readonly stats: StatsRecorder;
  private readonly gate: RateGate;
  private readonly delivery: Delivery;
  private readonly rows: RowSource;
  private backendRequests = 0;

  constructor(private readonly o: ResolvedSimOptions) {
    this.rows = o.rows ?? syntheticRows(o.seed);
    this.gate = new RateGate(o.rateLimitPerHour, o.burstPerSecond, o.timeScale);
    this.stats = new StatsRecorder(1000 / o.timeScale);
    this.delivery = new Delivery(this.stats);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const now = performance.now();
    this.stats.request(now);
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const gatewayReply = this.gateway(req.method ?? 'GET', url, now);
    if (gatewayReply !== undefined) {
      this.delivery.send(res, gatewayReply);
      return;
    }
    const n = this.backendRequests++;
    const fault = pickFault(this.o.seed, n, this.o.faults);
    if (fault !== undefined) this.stats.fault(fault);
    if (fault === 'stall') {
      this.delivery.later(res, stallMs(this.o.timeScale), () => req.socket.destroy());
      return;
    }
    let reply = this.backend(url);
    if (fault === 'http5xx')
      reply = toReply(faultVariant(this.o.seed, n) === 0 ? replies.badGateway() : replies.unavailable());
    const delay = latencyMs(this.o.seed, n, this.o.latencyMedianMs, reply.rows, this.o.timeScale);
    this.delivery.later(res, delay, () => this.delivery.deliver(req, res, reply, fault, faultVariant(this.o.seed, n)));
  }

  /** What the API gateway answers before the backend sees a request: method, key, rate limit. */
  private gateway(method: string, url: URL, now: number): Reply | undefined {
    if (method !== 'GET') return toReply(replies.method(method));
    const key = url.searchParams.get('api_key');
    if (key === null || key === '') return toReply(replies.keyMissing());
    if (this.o.validKeys !== undefined && !this.o.validKeys.includes(key)) return toReply(replies.keyInvalid());
    const admission = this.gate.admit(key, now);
    if (admission.kind === 'limited') {
      return toReply(replies.overRateLimit(formatRetryAfter(admission.retryAfterMs, this.o.timeScale)));
    }
    return undefined;
  }

  private backend(url: URL): Reply {
    const route = routeForPath(url.pathname);
    if (route === undefined) return toReply(replies.notFound());
    const parsed = parseSimQuery(url.searchParams, route, this.rows.lastHour);
    if (parsed.kind === 'error') return toReply(replies.param(parsed.message));
    const page = dataBody(this.rows.plan(parsed.query.selection), parsed.query);
    return {
      status: 200,
      body: Buffer.from(page.body, 'latin1'),
      contentType: 'application/json; charset=utf-8',
      headers: {},
      rows: page.rows,
    };
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

/** Starts the simulated EIA API v2 server; see EiaSimOptions for the knobs. */
export async function startEiaSimServer(options: EiaSimOptions = {}): Promise<EiaSimServer> {
  const o = resolveSimOptions(options);
  const handler = new SimHandler(o);
  const server = createServer({ keepAlive: true }, (req, res) => handler.handle(req, res));
  server.keepAliveTimeout = 65_000; // longer than clients' idle pools, as a gateway would be
  server.on('connection', (socket) => {
    handler.stats.connection();
    socket.on('error', () => {}); // resets we inject must not crash the server
  });
  const port = await listen(server, o.port, o.host);
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/v2/`,
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
