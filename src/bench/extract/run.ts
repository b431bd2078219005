// Runs one configured extract: starts the embedded simulated server when no API target is given,
// wires SIGINT and progress, and returns the summary with the exit status it implies.
import { randomBytes } from 'node:crypto';
import { ExitCode } from '../../core/index.ts';
import {
  clusterKeys,
  connectRedis,
  ExtractUsageError,
  formatClusterStatus,
  PAGE_LENGTH,
  readClusterStatus,
  redactUrl,
  runExtract,
  startEiaSimServer,
  type ClusterStatus,
  type EiaSimServer,
  type Progress,
} from '../../ingest/index.ts';
import type { ExtractConfig } from './config.ts';
import { summarise, type ExtractSummary } from './report.ts';

export interface RunOutcome {
  readonly summary: ExtractSummary;
  readonly exitCode: number;
  /** Lines for stderr explaining a non-zero exit (failed and empty windows). */
  readonly problems: readonly string[];
}

export interface RunHooks {
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  readonly progress?: boolean;
}

export async function runConfigured(config: ExtractConfig, hooks: RunHooks = {}): Promise<RunOutcome> {
  const log = hooks.log ?? (() => {});
  let sim: EiaSimServer | undefined;
  let apiKey = config.apiKey;
  let baseUrl = config.baseUrl;
  if (baseUrl === undefined) {
    apiKey = `sim-${randomBytes(8).toString('hex')}`;
    sim = await startEiaSimServer({
      seed: config.seed,
      timeScale: config.timeScale,
      faults: config.faults,
      rateLimitPerHour: config.ratePerHour,
      burstPerSecond: config.burstPerSecond,
      latencyMedianMs: config.latencyMs,
      validKeys: [apiKey],
      ...(config.data === undefined ? {} : { rows: config.data }),
    });
    baseUrl = sim.url;
    log(
      `bench extract: no --base-url or API key given: started the embedded simulated EIA server at ${sim.url} ` +
        `(budget ${config.ratePerHour}/h, time scale ${config.timeScale})`,
    );
    if (config.data !== undefined) for (const line of recordedLines(config)) log(line);
  }
  const source = sim ? 'eia-sim' : 'eia';
  try {
    const result = await runExtract({
      source,
      baseUrl,
      apiKey,
      outDir: config.outDir,
      resume: config.resume,
      ratePerHour: config.ratePerHour,
      burstPerSecond: config.burstPerSecond,
      timeScale: config.timeScale,
      maxInFlight: config.maxInFlight,
      timeoutMs: config.timeoutMs,
      cluster: config.redis,
      leaseSeconds: config.leaseSeconds,
      plan: {
        routes: config.routes,
        respondents: config.respondents,
        series: config.series,
        startMs: config.startMs,
        endMs: config.endMs,
        windowHours: config.windowHours,
      },
      onDamaged: (d) =>
        log(`bench extract: landed file ${d.file} (window ${d.id}) ${d.problem.detail}; fetching the window again`),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.progress ? { onProgress: (p: Progress) => log(progressLine(p)) } : {}),
    });
    const summary = summarise(result, {
      source,
      rowsPerRequestCeiling: PAGE_LENGTH,
      target: redactUrl(baseUrl),
      budgetPerHour: config.ratePerHour,
      burstPerSecond: config.burstPerSecond,
      timeScale: config.timeScale,
      sim: sim?.stats(),
    });
    return { summary, ...verdict(summary) };
  } finally {
    await sim?.close();
  }
}

/** What --data holds, and which asked-for respondents, series or hours it cannot answer (they get 0 rows). */
export function recordedLines(config: ExtractConfig): string[] {
  const data = config.data;
  if (data === undefined) return [];
  const s = data.summary;
  const lines = [
    `bench extract: replaying ${s.rows.toLocaleString('en-US')} recorded rows of ` +
      `${s.files.map((f) => f.path).join(', ')}: respondents ${s.respondents.join(', ')}; ` +
      `series ${s.series.join(', ')}; ${s.first} … ${s.last} (region-data only)`,
  ];
  const lacking = config.respondents.filter((r) => !s.respondents.includes(r));
  if (lacking.length > 0)
    lines.push(`bench extract: the recording has no rows for respondents ${lacking.join(', ')}: they get 0 rows`);
  const series = (config.series['region-data'] ?? []).filter((c) => !s.series.includes(c));
  if (series.length > 0)
    lines.push(`bench extract: the recording has no region-data series ${series.join(', ')}: they get 0 rows`);
  if (config.routes.includes('fuel-type-data'))
    lines.push('bench extract: the recording holds no fuel-type-data: that route gets 0 rows');
  if (config.endMs < data.firstHour * 3_600_000 || config.startMs > data.lastHour * 3_600_000)
    lines.push(
      `bench extract: --start … --end lies outside the recording (${s.first} … ${s.last}): ` +
        'every window gets 0 rows',
    );
  return lines;
}

/** `--status`: the cluster view of this key, read from Redis; nothing is sent to the API. */
export async function readStatus(config: ExtractConfig): Promise<{ status: ClusterStatus; text: string }> {
  if (!config.redis)
    throw new ExtractUsageError('--status', 'shows a cluster: give --redis redis://HOST:PORT (or WATTRING_REDIS_URL)');
  if (config.apiKey === undefined)
    throw new ExtractUsageError(
      '--status',
      'the cluster is found by its API key: give the same --api-key (or EIA_API_KEY) as its workers',
    );
  const redis = await connectRedis(config.redis.url, config.redis.flag);
  try {
    const status = await readClusterStatus(redis, clusterKeys(config.apiKey));
    return { status, text: formatClusterStatus(status, config.ratePerHour) };
  } finally {
    redis.disconnect();
  }
}

export function progressLine(p: Progress): string {
  const eta = Number.isFinite(p.etaSeconds) ? `${Math.ceil(p.etaSeconds)} s` : '?';
  return (
    `extract: ${p.windowsDone}/${p.windowsTotal} windows, ${p.rowsLanded.toLocaleString('en-US')} rows, ` +
    `${p.requests} requests (${p.requestsPerSecond.toFixed(2)}/s), ETA ${eta}`
  );
}

/** Exit status: fatal remote error > interrupted > failed/empty windows or respondents > ok. */
export function verdict(s: ExtractSummary): { exitCode: number; problems: string[] } {
  const problems: string[] = [];
  if (s.fatal) problems.push(`stopped: ${s.fatal.message} [${s.fatal.code}]`);
  for (const w of s.failedWindows.slice(0, 20)) problems.push(`failed window ${w.id}: ${w.message} [${w.code}]`);
  if (s.failedWindows.length > 20) problems.push(`… and ${s.failedWindows.length - 20} more failed windows`);
  if (s.emptyWindows.length > 0)
    problems.push(
      `empty result (0 rows, not counted as success) for ${s.emptyWindows.length} windows: ` +
        `${s.emptyWindows.slice(0, 10).join(', ')}`,
    );
  if (s.coverage.emptyRespondents.length > 0)
    problems.push(`no rows at all for respondents ${s.coverage.emptyRespondents.join(', ')}`);
  if (s.windows.notRun > 0 && !s.interrupted && !s.fatal) problems.push(`${s.windows.notRun} windows were not run`);
  let exitCode: number = ExitCode.ok;
  if (s.fatal) exitCode = s.fatal.exitCode;
  else if (s.interrupted) exitCode = ExitCode.interrupted;
  else if (problems.length > 0) exitCode = ExitCode.failed;
  return { exitCode, problems };
}
