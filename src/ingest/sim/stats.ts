// Counters of the simulated server, so tests and benchmarks can see what the server saw.
import type { FaultKind } from './options.ts';

export interface SimStats {
  /** Every HTTP request received. */
  readonly requests: number;
  /** TCP connections accepted (keep-alive clients reuse theirs). */
  readonly connections: number;
  /** Responses sent in full, by HTTP status (injected 5xx included); faults that cut a reply are not here. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** 429 OVER_RATE_LIMIT answers (also in byStatus['429']). */
  readonly rateLimited: number;
  /** Faults injected, by kind. */
  readonly faults: Readonly<Record<FaultKind, number>>;
  /** Data rows in complete 200 responses. */
  readonly rowsServed: number;
  /** Body bytes of complete responses. */
  readonly bytesServed: number;
  /** Most requests received in any 1 s ÷ k window (all keys, before limiting). */
  readonly peakRequestsPerWindow: number;
  /** Wall-clock ms (Date.now) of the first and last request; null before any. */
  readonly firstRequestAt: number | null;
  readonly lastRequestAt: number | null;
}

export class StatsRecorder {
  private requests = 0;
  private connections = 0;
  private readonly byStatus: Record<string, number> = {};
  private rateLimited = 0;
  private readonly faults: Record<FaultKind, number> = { http5xx: 0, reset: 0, truncated: 0, stall: 0 };
  private rowsServed = 0;
  private bytesServed = 0;
  private peak = 0;
  private readonly recent: number[] = [];
  private first: number | null = null;
  private last: number | null = null;

  constructor(private readonly windowMs: number) {}

  /** Notes a request arriving at `now` (monotonic ms). */
  request(now: number): void {
    this.requests++;
    this.last = Date.now();
    this.first ??= this.last;
    this.recent.push(now);
    while ((this.recent[0] ?? now) <= now - this.windowMs) this.recent.shift();
    this.peak = Math.max(this.peak, this.recent.length);
  }

  connection(): void {
    this.connections++;
  }

  response(status: number, bytes: number, rows: number): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    if (status === 429) this.rateLimited++;
    this.bytesServed += bytes;
    this.rowsServed += rows;
  }

  fault(kind: FaultKind): void {
    this.faults[kind]++;
  }

  snapshot(): SimStats {
    return {
      requests: this.requests,
      connections: this.connections,
      byStatus: { ...this.byStatus },
      rateLimited: this.rateLimited,
      faults: { ...this.faults },
      rowsServed: this.rowsServed,
      bytesServed: this.bytesServed,
      peakRequestsPerWindow: this.peak,
      firstRequestAt: this.first,
      lastRequestAt: this.last,
    };
  }
}
