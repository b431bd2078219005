// How a simulated server (the EIA API and the CAISO twin) sends a reply: after its latency, whole
// or with an injected fault (reset midway, truncated body), and never after the client left.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKind } from './options.ts';

export interface Reply {
  readonly status: number;
  readonly body: Buffer;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Data rows in the body (for the server's counters). */
  readonly rows: number;
}

export interface ReplyCounter {
  response(status: number, bytes: number, rows: number): void;
}

export class Delivery {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly counter: ReplyCounter) {}

  /** Runs `fn` after `ms` unless the client went away or the server closed first. */
  later(res: ServerResponse, ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  /** Sends `reply`, or cuts it as `fault` says; `variant` picks between the two truncations. */
  deliver(req: IncomingMessage, res: ServerResponse, reply: Reply, fault: FaultKind | undefined, variant: 0 | 1): void {
    if (res.destroyed) return;
    const { body } = reply;
    const head = { 'content-type': reply.contentType, ...reply.headers };
    if (fault === 'reset') {
      res.writeHead(reply.status, { ...head, 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 3)), () => req.socket.resetAndDestroy());
    } else if (fault === 'truncated' && variant === 0) {
      res.writeHead(reply.status, head); // chunked, ended cleanly: a valid HTTP reply with half a body
      res.end(body.subarray(0, Math.floor(body.length / 2)));
    } else if (fault === 'truncated') {
      res.writeHead(reply.status, { ...head, 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
    } else {
      this.send(res, reply);
    }
  }

  send(res: ServerResponse, reply: Reply): void {
    res.writeHead(reply.status, {
      'content-type': reply.contentType,
      'content-length': String(reply.body.length),
      ...reply.headers,
    });
    res.end(reply.body);
    this.counter.response(reply.status, reply.body.length, reply.rows);
  }

  cancelPending(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
