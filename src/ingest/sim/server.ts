// The simulated EIA API v2 server on loopback (the shared loop of loop.ts): key check, rate limit,
// injected faults and latency in front of the synthetic data routes.
import { routeForPath } from './catalog.ts';
import { syntheticRows } from './dataset.ts';
import type { Reply } from './delivery.ts';
import { dataBody, replies, type ErrorReply } from './envelope.ts';
import { formatRetryAfter, type Admission } from './limiter.ts';
import { serveSim, type SimBackend, type SimServer } from './loop.ts';
import { resolveSimOptions, type EiaSimOptions, type ResolvedSimOptions } from './options.ts';
import { parseSimQuery } from './query.ts';
import type { RowSource } from './rows.ts';

/** Base URL ending in `/v2/`, e.g. `http://127.0.0.1:41234/v2/`. */
export type EiaSimServer = SimServer;

const toReply = (r: ErrorReply): Reply => ({
  status: r.status,
  body: Buffer.from(r.body),
  contentType: r.contentType,
  headers: r.headers ?? {},
  rows: 0,
});

class EiaBackend implements SimBackend {
  private readonly rows: RowSource;

  constructor(private readonly o: ResolvedSimOptions) {
    this.rows = o.rows ?? syntheticRows(o.seed);
  }

  /** What the API gateway answers before the backend sees a request: method, key, rate limit (per key). */
  gateway(method: string, url: URL, admit: (client: string) => Admission): Reply | undefined {
    if (method !== 'GET') return toReply(replies.method(method));
    const key = url.searchParams.get('api_key');
    if (key === null || key === '') return toReply(replies.keyMissing());
    if (this.o.validKeys !== undefined && !this.o.validKeys.includes(key)) return toReply(replies.keyInvalid());
    const admission = admit(key);
    if (admission.kind === 'limited') {
      return toReply(replies.overRateLimit(formatRetryAfter(admission.retryAfterMs, this.o.timeScale)));
    }
    return undefined;
  }

  answer(_method: string, url: URL): Reply {
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

  serverError(variant: number): Reply {
    return toReply(variant === 0 ? replies.badGateway() : replies.unavailable());
  }

  latencyRows(reply: Reply): number {
    return reply.rows;
  }
}

/** Starts the simulated EIA API v2 server; see EiaSimOptions for the knobs. */
export async function startEiaSimServer(options: EiaSimOptions = {}): Promise<EiaSimServer> {
  const o = resolveSimOptions(options);
  return serveSim(o, new EiaBackend(o), '/v2/');
}
