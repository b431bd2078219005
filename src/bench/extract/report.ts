// Turns an extract result into the `--json` summary and the human summary on stderr.
import {
  formatClusterStatus,
  formatHour,
  type ClusterPart,
  type ExtractResult,
  type RawSource,
  type SimStats,
} from '../../ingest/index.ts';

/** A run's result as the summary reads it: EIA's or CAISO's (their plans differ, these parts agree). */
export type SummarisedResult = Omit<ExtractResult, 'plan'> & {
  readonly plan: {
    readonly input: { readonly startMs: number; readonly endMs: number };
    readonly fingerprint: string;
    readonly windows: readonly unknown[];
    readonly windowHours: Readonly<Record<string, number | undefined>>;
  };
};

export interface ExtractSummary {
  readonly source: RawSource;
  /** Rows one request can carry at most (EIA: a 5,000-row page; CAISO: a full 30-day window). */
  readonly rowsPerRequestCeiling: number;
  readonly target: string;
  readonly budgetPerHour: number;
  readonly burstPerSecond: number;
  readonly timeScale: number;
  readonly range: { readonly start: string; readonly end: string };
  readonly plan: {
    readonly fingerprint: string;
    readonly windows: number;
    readonly windowHours: Readonly<Record<string, number | undefined>>;
  };
  readonly windows: Readonly<Record<'landed' | 'skipped' | 'empty' | 'failed' | 'notRun' | 'elsewhere', number>>;
  readonly failedWindows: readonly { readonly id: string; readonly code: string; readonly message: string }[];
  readonly emptyWindows: readonly string[];
  /** Windows fetched again on --resume because their landed file was missing, truncated or altered. */
  readonly refetched: number;
  readonly refetchedWindows: readonly {
    readonly id: string;
    readonly file: string;
    readonly problem: string;
    readonly detail: string;
  }[];
  readonly requests: { readonly total: number; readonly byOutcome: Readonly<Record<string, number>> };
  readonly retries: number;
  readonly throttled: number;
  readonly throttledAfterStartup: number;
  readonly rowsLanded: number;
  readonly rowsOnDisk: number;
  readonly rowsPerRequest: number;
  readonly duplicates: number;
  readonly bytes: number;
  readonly rowsPerSecond: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly rateLimitEfficiency: number;
  readonly ceilingEfficiency: number;
  readonly coverage: {
    readonly absentHours: number;
    readonly nullHours: number;
    readonly emptyRespondents: readonly string[];
    readonly series: ExtractResult['coverage']['series'];
  };
  readonly contentSha256: string;
  readonly interrupted: boolean;
  readonly fatal: { readonly code: string; readonly message: string; readonly exitCode: number } | undefined;
  /** With --redis: this worker's part and the cluster view when it finished. */
  readonly cluster: ClusterPart | undefined;
  readonly activeSeconds: number;
  readonly wallSeconds: number;
  readonly peakRssMB: number;
  readonly sim: SimStats | undefined;
}

export interface SummaryContext {
  readonly source: RawSource;
  readonly rowsPerRequestCeiling: number;
  readonly target: string;
  readonly budgetPerHour: number;
  readonly burstPerSecond: number;
  readonly timeScale: number;
  readonly sim: SimStats | undefined;
}

export function summarise(r: SummarisedResult, ctx: SummaryContext): ExtractSummary {
  const count = (kind: string): number => r.outcomes.filter((o) => o.kind === kind).length;
  const okRequests = r.stats.byOutcome.ok;
  return {
    ...ctx,
    range: { start: formatHour(r.plan.input.startMs), end: formatHour(r.plan.input.endMs) },
    plan: { fingerprint: r.plan.fingerprint, windows: r.plan.windows.length, windowHours: { ...r.plan.windowHours } },
    windows: {
      landed: count('landed'),
      skipped: count('skipped'),
      empty: count('empty'),
      failed: count('failed'),
      notRun: count('not-run'),
      elsewhere: count('elsewhere'),
    },
    failedWindows: r.outcomes.flatMap((o) =>
      o.kind === 'failed' ? [{ id: o.id, code: o.error.code, message: o.error.message }] : [],
    ),
    emptyWindows: r.outcomes.flatMap((o) => (o.kind === 'empty' ? [o.id] : [])),
    refetched: r.refetched.length,
    refetchedWindows: r.refetched.map((d) => ({
      id: d.id,
      file: d.file,
      problem: d.problem.kind,
      detail: d.problem.detail,
    })),
    requests: { total: r.stats.requests, byOutcome: { ...r.stats.byOutcome } },
    retries: r.stats.retries,
    throttled: r.stats.byOutcome.throttled,
    throttledAfterStartup: r.stats.throttledAfterStartup,
    rowsLanded: r.stats.rowsLanded,
    rowsOnDisk: r.rowsOnDisk,
    rowsPerRequest: okRequests > 0 ? r.stats.rowsFetched / okRequests : 0,
    duplicates: r.duplicates,
    bytes: r.stats.bytes,
    rowsPerSecond: r.rates.rowsPerSecond,
    requestsPerSecond: r.rates.requestsPerSecond,
    latencyP50Ms: r.rates.latencyP50Ms,
    latencyP95Ms: r.rates.latencyP95Ms,
    rateLimitEfficiency: r.rates.rateLimitEfficiency,
    ceilingEfficiency: r.rates.ceilingEfficiency,
    coverage: {
      absentHours: r.coverage.absentHours,
      nullHours: r.coverage.nullHours,
      emptyRespondents: r.coverage.emptyRespondents,
      series: r.coverage.series,
    },
    contentSha256: r.contentSha256,
    interrupted: r.interrupted,
    fatal: r.fatal ? { code: r.fatal.code, message: r.fatal.message, exitCode: r.fatal.exitCode } : undefined,
    cluster: r.cluster,
    activeSeconds: r.rates.activeSeconds,
    wallSeconds: r.wallSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

const f = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The human summary, one fact per line. */
export function formatSummary(s: ExtractSummary): string {
  const outcomes = Object.entries(s.requests.byOutcome)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const gaps = s.coverage.series.filter((c) => c.absentHours > 0);
  const lines = [
    `extract ${s.source} ${s.range.start}..${s.range.end} → ${s.plan.windows} windows (${Object.entries(
      s.plan.windowHours,
    )
      .map(([r, h]) => `${r} ${h} h`)
      .join(', ')})`,
    `windows: landed ${s.windows.landed}, skipped ${s.windows.skipped}, empty ${s.windows.empty}, failed ` +
      `${s.windows.failed}, not run ` +
      `${s.windows.notRun}${s.cluster ? `, by other workers ${s.windows.elsewhere}` : ''}; refetched ${s.refetched} ` +
      `(landed file damaged)`,
    `requests: ${s.requests.total} (${outcomes}); retries ${s.retries}; 429s ${s.throttled} ` +
      `(${s.throttledAfterStartup} after start-up)`,
    `rows landed ${f(s.rowsLanded)} (on disk ${f(s.rowsOnDisk)}, duplicates ${s.duplicates}); ` +
      `${f(s.rowsPerRequest)} rows/request; ${f(s.bytes / 1e6, 1)} MB`,
    `rate: ${f(s.rowsPerSecond)} rows/s, ${f(s.requestsPerSecond, 2)} requests/s wall (time scale ${s.timeScale}); ` +
      `latency p50 ${f(s.latencyP50Ms)} ms, p95 ${f(s.latencyP95Ms)} ms`,
    `efficiency: rate-limit ${f(s.rateLimitEfficiency, 3)} of ${f(s.budgetPerHour)}/h; ceiling ` +
      `${f(s.ceilingEfficiency, 3)} of ${f((s.budgetPerHour / 3600) * s.rowsPerRequestCeiling)} rows/s`,
    `coverage: ${s.coverage.absentHours} absent hours in ${gaps.length} series, ${s.coverage.nullHours} null-value ` +
      `hours` +
      (s.coverage.emptyRespondents.length > 0 ? `; NO ROWS for ${s.coverage.emptyRespondents.join(', ')}` : ''),
    ...gaps.slice(0, 10).map(
      (g) =>
        `  gaps ${g.route} ${g.respondent} ${g.series}: ${g.gaps
          .slice(0, 4)
          .map((x) => (x.hours === 1 ? x.start : `${x.start}..${x.end}`))
          .join(', ')}${g.gaps.length > 4 ? ', …' : ''}`,
    ),
    `content sha256 ${s.contentSha256.slice(0, 16)}…; active ${f(s.activeSeconds, 1)} s, wall ` +
      `${f(s.wallSeconds, 1)} s; peak RSS ${f(s.peakRssMB)} MB`,
  ];
  if (s.cluster) {
    const c = s.cluster;
    lines.push(
      `cluster: worker ${c.worker} ${c.joined} run ${c.runId}; windows fetched twice to completion (second copy ` +
        `discarded): ${c.fetchedTwice} here`,
    );
    if (c.status) lines.push(...formatClusterStatus(c.status, s.budgetPerHour).trimEnd().split('\n'));
  }
  return `${lines.join('\n')}\n`;
}
