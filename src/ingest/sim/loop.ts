// The request loop both simulated APIs share (the EIA v2 server and the CAISO OASIS twin): count
// the request, let the twin's gateway refuse it (method, key, rate limit), inject the seeded fault
// of backend request n, ask the twin's backend, delay by the latency model, deliver. Only the
// gateway's rules, the backend's answers and the 5xx page differ between the twins.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Delivery, type Reply } from './delivery.ts';
import { faultVariant, latencyMs, pickFault, stallMs } from './faults.ts';
import { RateGate, type Admission } from './limiter.ts';
import type { ResolvedSimOptions } from './options.ts';
import { StatsRecorder, type SimStats } from './stats.ts';

/** What makes a twin: the gateway in front of its backend, the backend, and its 5xx page. */
export interface SimBackend {
  /**
   * The answer given before the backend sees a request (wrong method, missing key, over the rate
   * limit), or undefined to pass it on. `admit(client)` takes a token from that client's bucket.
   */
  gateway(method: string, url: URL, admit: (client: string) => Admission): Reply | undefined;
  /** The backend's answer to its `n`-th request (n seeds the per-request random draws). */
  answer(method: string, url: URL, n: number): Reply;
  /** The page an injected 5xx fault returns instead; `variant` is 0 or 1 (e.g. 502 or 503). */
  serverError(variant: number): Reply;
  /** Rows of a reply that drive its latency (the twins' backends scale differently with size). */
  latencyRows(reply: Reply): number;
}

export interface SimServer {
  /** API base, e.g. `http://127.0.0.1:41234/v2/`. */
  readonly url: string;
  stats(): SimStats;
  /** Stops listening, drops open connections and pending replies. */
  close(): Promise<void>;
}

class SimLoop {
  readonly stats: StatsRecorder;
  private readonly gate: RateGate;
  private readonly delivery: Delivery;
  private backendRequests = 0;

  constructor(
    private readonly o: ResolvedSimOptions,
    private readonly backend: SimBackend,
  ) {
    this.gate = new RateGate(o.rateLimitPerHour, o.burstPerSecond, o.timeScale);
    this.stats = new StatsRecorder(1000 / o.timeScale);
    this.delivery = new Delivery(this.stats);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const now = performance.now();
    this.stats.request(now);
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = req.method ?? 'GET';
    const refused = this.backend.gateway(method, url, (client) => this.gate.admit(client, now));
    if (refused !== undefined) {
      this.delivery.send(res, refused);
      return;
    }
    const n = this.backendRequests++;
    const fault = pickFault(this.o.seed, n, this.o.faults);
    if (fault !== undefined) this.stats.fault(fault);
    if (fault === 'stall') {
      this.delivery.later(res, stallMs(this.o.timeScale), () => req.socket.destroy());
      return;
    }
    const variant = faultVariant(this.o.seed, n);
    const reply = fault === 'http5xx' ? this.backend.serverError(variant) : this.backend.answer(method, url, n);
    const delay = latencyMs(this.o.seed, n, this.o.latencyMedianMs, this.backend.latencyRows(reply), this.o.timeScale);
    this.delivery.later(res, delay, () => this.delivery.deliver(req, res, reply, fault, variant));
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

/** Listens on `o.host:o.port` (0: any free port) and serves `backend` under `basePath` (e.g. `/v2/`). */
export async function serveSim(o: ResolvedSimOptions, backend: SimBackend, basePath: string): Promise<SimServer> {
  const loop = new SimLoop(o, backend);
  const server = createServer({ keepAlive: true }, (req, res) => loop.handle(req, res));
  server.keepAliveTimeout = 65_000; // longer than clients' idle pools, as a gateway would be
  server.on('connection', (socket) => {
    loop.stats.connection();
    socket.on('error', () => {}); // resets we inject must not crash the server
  });
  const port = await listen(server, o.port, o.host);
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}${basePath}`,
    stats: () => loop.stats.snapshot(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        loop.cancelPending();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
