// Fetches one CAISO window through the shared limiter and retry loop; a window OASIS calls too
// long (1004) is split in halves and asked again, and "no data" (1000/1001) is counted, not hidden.
import { newDicts, RowColumns } from '../columns.ts';
import { outcomeOf, type WindowFetch } from '../fetch-window.ts';
import { HOUR_MS } from '../hours.ts';
import type { KeyLimiter } from '../limiter.ts';
import { withRetries, type RetryPolicy } from '../retry.ts';
import type { RunStats } from '../stats.ts';
import type { CaisoClient, CaisoReply } from './client.ts';
import { CaisoWindowTooLongError } from './errors.ts';
import type { CaisoWindow } from './plan.ts';
import type { CaisoReportRun } from './reports.ts';

type Part = { readonly rows: RowColumns; readonly intervals: Int32Array } | undefined;

export class CaisoWindowFetcher {
  constructor(
    private readonly client: CaisoClient,
    private readonly limiter: KeyLimiter,
    private readonly policy: RetryPolicy,
    private readonly stats: RunStats,
  ) {}

  async fetch(window: CaisoWindow): Promise<WindowFetch> {
    const got = await this.range(window.run, window.startMs, window.endMs);
    if (got === undefined || got.rows.length === 0) return { kind: 'empty' };
    return {
      kind: 'rows',
      rows: got.rows,
      intervals: got.intervals,
      apiVersion: `oasis/${window.run.report}`,
      pages: 1,
    };
  }

  /** Rows of [startMs, endMs]; on 1004, the two halves' rows (disjoint hours, so still sorted). */
  private async range(run: CaisoReportRun, startMs: number, endMs: number): Promise<Part> {
    try {
      const reply = await this.send(run, startMs, endMs);
      return reply.kind === 'rows' ? { rows: reply.rows, intervals: reply.intervals } : undefined;
    } catch (error) {
      if (!(error instanceof CaisoWindowTooLongError) || endMs === startMs) throw error;
      const mid = startMs + Math.floor((endMs - startMs) / HOUR_MS / 2) * HOUR_MS;
      return join(await this.range(run, startMs, mid), await this.range(run, mid + HOUR_MS, endMs));
    }
  }

  private send(run: CaisoReportRun, startMs: number, endMs: number): Promise<CaisoReply> {
    return withRetries(() => this.limiter.schedule(() => this.attempt(run, startMs, endMs)), this.policy, {
      onRetry: () => this.stats.retries++,
      onThrottle: (ms) => this.limiter.pause(ms),
    });
  }

  private async attempt(run: CaisoReportRun, startMs: number, endMs: number): Promise<CaisoReply> {
    const start = Date.now();
    try {
      const reply = await this.client.fetchReport({ run, startMs, endMs });
      const end = Date.now();
      this.stats.record(reply.kind === 'rows' ? 'ok' : 'no-data', start, end);
      this.stats.bytes += reply.bytes;
      if (reply.kind === 'rows') this.stats.rowsFetched += reply.rows.length;
      this.limiter.observeLatency(end - start);
      return reply;
    } catch (error) {
      this.stats.record(error instanceof CaisoWindowTooLongError ? 'too-long' : outcomeOf(error), start, Date.now());
      throw error;
    }
  }
}

/** Concatenates two parts' rows into fresh shared dictionaries (the halves had their own). */
function join(a: Part, b: Part): Part {
  if (a === undefined || b === undefined) return a ?? b;
  const rows = new RowColumns(newDicts(), a.rows.length + b.rows.length);
  const intervals = new Int32Array(a.rows.length + b.rows.length);
  let at = 0;
  for (const part of [a, b]) {
    const r = part.rows;
    for (let i = 0; i < r.length; i++) {
      const value = r.valid[i] ? (r.value[i] ?? null) : null;
      rows.push(
        r.period[i] ?? 0,
        r.dicts.respondent.values[r.respondent[i] ?? 0] ?? '',
        r.dicts.series.values[r.series[i] ?? 0] ?? '',
        value,
        r.dicts.units.values[r.units[i] ?? 0] ?? '',
      );
      intervals[at++] = part.intervals[i] ?? 0;
    }
  }
  return { rows, intervals };
}
