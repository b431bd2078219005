// The CAISO extract run: plan 30-day windows per report and market run, skip what the manifest
// holds, fetch the rest at one request per 5 s, land them with the EIA run's code, and report.
import { coverageReport, type CoverageReport } from '../coverage.ts';
import { OutputError } from '../errors.ts';
import {
  dropDamaged,
  openOutput,
  WindowRun,
  type DamagedWindow,
  type ExtractResult,
  type Progress,
} from '../extract.ts';
import { formatHour } from '../hours.ts';
import { scanLanded, type LandedScan } from '../landed.ts';
import { KeyLimiter } from '../limiter.ts';
import { MANIFEST_SCHEMA, ManifestWriter, type Manifest } from '../manifest.ts';
import { defaultRetryPolicy } from '../retry.ts';
import { rateFigures, RunStats } from '../stats.ts';
import { CaisoClient } from './client.ts';
import { CaisoWindowFetcher } from './fetch-window.ts';
import { MAX_WINDOW_HOURS, planCaiso, type CaisoPlan, type CaisoPlanInput } from './plan.ts';
import { CAISO_REPORTS, expectedSeries, reportRunName } from './reports.ts';

/** OASIS allows one request per 5 seconds (docs/ingest-caiso.md). */
export const CAISO_RATE_PER_HOUR = 720;
/**
 * Wall ms between request starts beyond 5 s ÷ k (OASIS's bursts of one leave no room for jitter):
 * a floor of 20 ms, doubled after each 429 up to 250 ms, the excess decaying by 1 % per request,
 * and never under the p99 of this process's event-loop delay (docs/ingest-caiso.md, "Limiter").
 */
export const CAISO_MARGIN = { floorMs: 20, maxMs: 250, decayPerRequest: 0.99, loopDelayPercentile: 99 } as const;

export interface CaisoExtractOptions {
  readonly source: 'caiso' | 'caiso-sim';
  readonly baseUrl: string;
  readonly plan: CaisoPlanInput;
  readonly outDir: string;
  readonly resume: boolean;
  /** Default one request per 5 s, bursts of one. */
  readonly ratePerHour?: number;
  readonly burstPerSecond?: number;
  readonly timeScale: number;
  readonly maxInFlight?: number | undefined;
  /** Per-request timeout in server time (÷ time scale on the wall clock); default 120 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly onDamaged?: (d: DamagedWindow) => void;
}

export type CaisoExtractResult = Omit<ExtractResult, 'plan'> & {
  readonly plan: CaisoPlan;
  /** Rows a full window carries on average: the ceiling efficiency's rows per request. */
  readonly rowsPerRequestCeiling: number;
};

export async function runCaisoExtract(options: CaisoExtractOptions): Promise<CaisoExtractResult> {
  const wallStart = Date.now();
  const existing = openOutput(options);
  const plan = planCaiso(options.plan);
  if (existing && existing.plan !== plan.fingerprint) {
    throw new OutputError(
      `${options.outDir} holds a run planned differently (plan ${existing.plan}, these flags give ` +
        `${plan.fingerprint}); resume with the original flags or use another --out.`,
    );
  }
  const k = options.timeScale;
  const ratePerHour = options.ratePerHour ?? CAISO_RATE_PER_HOUR;
  const stats = new RunStats();
  const limiter = new KeyLimiter({
    ratePerHour,
    burstPerSecond: options.burstPerSecond ?? 1,
    timeScale: k,
    maxInFlight: options.maxInFlight,
    adaptiveMargin: CAISO_MARGIN,
  });
  const client = new CaisoClient({
    baseUrl: options.baseUrl,
    timeoutMs: (options.timeoutMs ?? 120_000) / k,
    timeScale: k,
    onSent: (at) => limiter.markSent(at),
  });
  try {
    const manifest: Manifest = existing ?? {
      schema: MANIFEST_SCHEMA,
      source: options.source,
      plan: plan.fingerprint,
      planInput: planJson(options.plan),
      windows: {},
    };
    const refetched = dropDamaged(options, manifest);
    const fetcher = new CaisoWindowFetcher(client, limiter, defaultRetryPolicy(k), stats);
    const run = new WindowRun(
      plan,
      manifest,
      new ManifestWriter(options.outDir, manifest),
      fetcher,
      limiter,
      stats,
      options,
    );
    const { outcomes, fatal } = await run.all();
    const scan = scanLanded(options.outDir, manifest, plan.input.startMs, plan.input.endMs);
    const ceiling = rowsPerRequestCeiling(plan);
    return {
      plan,
      outcomes,
      stats,
      rates: rateFigures(stats, ratePerHour, k, ceiling),
      coverage: coverageOf(scan, plan),
      rowsPerRequestCeiling: ceiling,
      contentSha256: scan.contentSha256,
      refetched,
      rowsOnDisk: scan.rows,
      duplicates: scan.duplicates,
      interrupted: options.signal?.aborted === true,
      fatal,
      wallSeconds: (Date.now() - wallStart) / 1000,
    };
  } finally {
    await limiter.stop();
    await client.close();
  }
}

function planJson(input: CaisoPlanInput): Record<string, unknown> {
  return {
    reports: input.runs.map(reportRunName),
    start: formatHour(input.startMs),
    end: formatHour(input.endMs),
    windowHours: input.windowHours ?? MAX_WINDOW_HOURS,
  };
}

/** One coverage report per report run (its own areas or hubs), merged. */
function coverageOf(scan: LandedScan, plan: CaisoPlan): CoverageReport {
  const parts = plan.input.runs.map((run) => {
    const route = reportRunName(run);
    return coverageReport(scan, {
      routes: [route],
      respondents: CAISO_REPORTS[run.report].respondents,
      series: { [route]: expectedSeries(run) },
      startMs: plan.input.startMs,
      endMs: plan.input.endMs,
    });
  });
  return {
    series: parts.flatMap((p) => p.series),
    absentHours: parts.reduce((a, p) => a + p.absentHours, 0),
    nullHours: parts.reduce((a, p) => a + p.nullHours, 0),
    emptyRespondents: [...new Set(parts.flatMap((p) => p.emptyRespondents))],
  };
}

/** Rows of a full 30-day window, averaged over the plan's runs (respondents × series × hours). */
function rowsPerRequestCeiling(plan: CaisoPlan): number {
  const runs = plan.input.runs;
  const perRun = runs.map(
    (run) =>
      CAISO_REPORTS[run.report].respondents.length *
      Math.max(1, expectedSeries(run).length) *
      (plan.windowHours[reportRunName(run)] ?? MAX_WINDOW_HOURS),
  );
  return perRun.reduce((a, b) => a + b, 0) / Math.max(1, runs.length);
}
