// The extract run: plan the windows, skip what the manifest holds (once its file checks out against
// the manifest's size and sha256), fetch the rest at the key's budget, land each window (Arrow file, then manifest), and report counts and coverage.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { encodeRawFile, type RawSource, type RawWriteMeta } from './arrow.ts';
import { EiaClient } from './client.ts';
import type { RowColumns } from './columns.ts';
import { coverageReport, type CoverageReport } from './coverage.ts';
import { EiaError, OutputError } from './errors.ts';
import { WindowFetcher, type WindowFetch } from './fetch-window.ts';
import { formatHour, HOUR_MS } from './hours.ts';
import { scanLanded } from './landed.ts';
import { KeyLimiter } from './limiter.ts';
import { MANIFEST_SCHEMA, ManifestWriter, readManifest, type Manifest } from './manifest.ts';
import { planRequests, type Plan, type PlanInput, type PlannedWindow } from './plan.ts';
import { defaultRetryPolicy } from './retry.ts';
import { ROUTES, type RouteName } from './routes.ts';
import { rateFigures, RunStats, type RateFigures } from './stats.ts';
import { removeStaleTemps, writeFileAtomic } from './store.ts';
import { checkLandedFile, type FileProblem } from './verify.ts';

export interface ExtractOptions {
  readonly source: 'eia' | 'eia-sim';
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  /** What to fetch; `seriesPerRespondent` is measured by a probe when a route's series are open. */
  readonly plan: Omit<PlanInput, 'seriesPerRespondent'>;
  readonly outDir: string;
  readonly resume: boolean;
  readonly ratePerHour: number;
  readonly burstPerSecond?: number;
  readonly timeScale: number;
  readonly maxInFlight?: number | undefined;
  /** Per-request timeout in server time (÷ time scale on the wall clock); default 60 s. */
  readonly timeoutMs?: number;
  /** Aborting stops new requests; in-flight windows finish and land. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** Called (before any request) for each landed file that is damaged; its window is fetched again. */
  readonly onDamaged?: (d: DamagedWindow) => void;
}

/** A window the manifest listed whose file no longer matched it (missing, truncated, altered). */
export interface DamagedWindow {
  readonly id: string;
  readonly file: string;
  readonly problem: FileProblem;
}

export interface Progress {
  readonly windowsDone: number;
  readonly windowsTotal: number;
  readonly rowsLanded: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly etaSeconds: number;
}

export type WindowOutcome =
  | { readonly kind: 'landed'; readonly id: string; readonly rows: number }
  | { readonly kind: 'skipped'; readonly id: string }
  | { readonly kind: 'empty'; readonly id: string }
  | { readonly kind: 'failed'; readonly id: string; readonly error: EiaError }
  | { readonly kind: 'not-run'; readonly id: string };

export interface ExtractResult {
  readonly plan: Plan;
  readonly outcomes: readonly WindowOutcome[];
  readonly stats: RunStats;
  readonly rates: RateFigures;
  readonly coverage: CoverageReport;
  readonly contentSha256: string;
  /** Windows fetched again on --resume because their landed file was damaged (outcomes say how that went). */
  readonly refetched: readonly DamagedWindow[];
  readonly rowsOnDisk: number;
  readonly duplicates: number;
  readonly interrupted: boolean;
  /** A fatal error (bad key, unknown route) that stopped the run. */
  readonly fatal: EiaError | undefined;
  readonly wallSeconds: number;
}

export async function runExtract(options: ExtractOptions): Promise<ExtractResult> {
  const wallStart = Date.now();
  const existing = openOutput(options);
  const k = options.timeScale;
  const stats = new RunStats();
  const limiter = new KeyLimiter({ ratePerHour: options.ratePerHour, burstPerSecond: options.burstPerSecond ?? 5, timeScale: k, maxInFlight: options.maxInFlight });
  const client = new EiaClient({ baseUrl: options.baseUrl, apiKey: options.apiKey, timeoutMs: (options.timeoutMs ?? 60_000) / k });
  const fetcher = new WindowFetcher(client, limiter, defaultRetryPolicy(k), stats);
  try {
    const planInput = existing ? resumedPlanInput(existing, options) : { ...options.plan, seriesPerRespondent: await probeSeries(options, fetcher) };
    const plan = planRequests(planInput);
    if (existing && existing.plan !== plan.fingerprint) {
      throw new OutputError(`${options.outDir} holds a run planned differently (plan ${existing.plan}, these flags give ${plan.fingerprint}); resume with the original flags or use another --out.`);
    }
    const manifest: Manifest = existing ?? { schema: MANIFEST_SCHEMA, source: options.source, plan: plan.fingerprint, planInput: planJson(planInput), windows: {} };
    const refetched = dropDamaged(options, manifest);
    const run = new WindowRun(plan, manifest, new ManifestWriter(options.outDir, manifest), fetcher, limiter, stats, options);
    const { outcomes, fatal } = await run.all();
    return summarise(plan, manifest, outcomes, refetched, stats, options, fatal, wallStart);
  } finally {
    await limiter.stop();
    await client.close();
  }
}

/** Checks --out and reads its manifest; without --resume a folder holding a run is refused. */
export function openOutput(options: { readonly outDir: string; readonly resume: boolean; readonly source: RawSource }): Manifest | undefined {
  const existing = readManifest(options.outDir);
  if (existing && !options.resume) {
    throw new OutputError(`${options.outDir} already holds an extract run (${Object.keys(existing.windows).length} windows landed); pass --resume to continue it, or use another --out.`);
  }
  if (existing && existing.source !== options.source) {
    throw new OutputError(`${options.outDir} holds data from source ${existing.source}, not ${options.source}; use another --out.`);
  }
  removeStaleTemps(options.outDir);
  return existing;
}

/**
 * Checks every landed file against its manifest entry and forgets the entries whose file is damaged,
 * so their windows are fetched again (the new file replaces the old one atomically). The manifest on
 * disk loses an entry only when the next save happens, and never keeps one for a damaged file.
 */
export function dropDamaged(options: Pick<ExtractOptions, 'outDir' | 'onDamaged'>, manifest: Manifest): DamagedWindow[] {
  const damaged: DamagedWindow[] = [];
  for (const id of Object.keys(manifest.windows).sort()) {
    const entry = manifest.windows[id];
    if (!entry) continue;
    const check = checkLandedFile(options.outDir, id, entry);
    if (check.kind === 'ok') continue;
    const d: DamagedWindow = { id, file: entry.file, problem: check.problem };
    delete manifest.windows[id];
    damaged.push(d);
    options.onDamaged?.(d);
  }
  return damaged;
}

function resumedPlanInput(existing: Manifest, options: ExtractOptions): PlanInput {
  const stored = existing.planInput['seriesPerRespondent'];
  const seriesPerRespondent: Partial<Record<RouteName, number>> = {};
  if (typeof stored === 'object' && stored !== null) {
    for (const [route, v] of Object.entries(stored)) if (typeof v === 'number' && (route === 'region-data' || route === 'fuel-type-data')) seriesPerRespondent[route] = v;
  }
  return { ...options.plan, seriesPerRespondent };
}

function planJson(input: PlanInput): Record<string, unknown> {
  return { ...input, start: formatHour(input.startMs), end: formatHour(input.endMs) };
}

/**
 * Routes whose series are left open (fuel mixes differ by respondent) are probed with one request
 * over the range's last 24 hours, so windows can be sized to fill 5,000-row pages.
 */
async function probeSeries(options: ExtractOptions, fetcher: WindowFetcher): Promise<Partial<Record<RouteName, number>>> {
  const out: Partial<Record<RouteName, number>> = {};
  const { plan } = options;
  for (const route of plan.routes) {
    if ((plan.series[route] ?? []).length > 0 || plan.windowHours !== undefined) continue;
    const startMs = Math.max(plan.startMs, plan.endMs - 23 * HOUR_MS);
    const hours = (plan.endMs - startMs) / HOUR_MS + 1;
    const group = plan.respondents.slice(0, plan.maxRespondentsPerQuery ?? 20);
    const page = await fetcher.probe({ route, respondents: group, series: [], startMs, endMs: plan.endMs });
    out[route] = page.total > 0 ? page.total / (hours * group.length) : ROUTES[route].defaultSeriesPerRespondent;
  }
  return out;
}

/** Windows written but not yet durable, at most (bounds memory when the disk is slow). */
const MAX_LANDING = 16;

/** What WindowRun needs of a planned window (EIA's PlannedWindow, CAISO's report windows). */
export interface LandableWindow {
  readonly id: string;
  readonly route: RawWriteMeta['route'];
  readonly respondents: readonly string[];
  readonly series: readonly string[];
  readonly startMs: number;
  readonly endMs: number;
}

/** Fetches one window's rows (with its own retries), or says it came back empty. */
export interface WindowSource<W extends LandableWindow> {
  fetch(window: W): Promise<WindowFetch>;
}

/** The parts of a run's options that landing windows uses. */
export interface LandingOptions {
  readonly source: RawSource;
  readonly outDir: string;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((p: Progress) => void) | undefined;
}

/** Runs the windows with enough in progress to keep the limiter's slots booked. */
export class WindowRun<W extends LandableWindow = PlannedWindow> {
  private readonly outcomes = new Map<string, WindowOutcome>();
  private fatal: EiaError | undefined;
  private lastProgress = 0;

  constructor(
    private readonly plan: { readonly windows: readonly W[] },
    private readonly manifest: Manifest,
    private readonly writer: ManifestWriter,
    private readonly fetcher: WindowSource<W>,
    private readonly limiter: KeyLimiter,
    private readonly stats: RunStats,
    private readonly options: LandingOptions,
  ) {}

  async all(): Promise<{ outcomes: WindowOutcome[]; fatal: EiaError | undefined }> {
    const queue = this.plan.windows.filter((w) => {
      if (!this.manifest.windows[w.id]) return true;
      this.outcomes.set(w.id, { kind: 'skipped', id: w.id });
      return false;
    });
    // Windows still fetching are capped by the limiter's in-flight target (so its slots stay booked);
    // windows writing to disk are not counted against it, but at most MAX_LANDING wait on the disk.
    const fetching = new Set<Promise<void>>();
    const landing = new Set<Promise<void>>();
    let next = 0;
    while (next < queue.length && !this.stopped()) {
      while (next < queue.length && fetching.size < this.limiter.maxInFlight + 2 && landing.size < MAX_LANDING && !this.stopped()) {
        const w = queue[next++];
        if (!w) break;
        const f: Promise<void> = this.one(w, landing).finally(() => fetching.delete(f));
        fetching.add(f);
      }
      if (fetching.size + landing.size > 0) await Promise.race([...fetching, ...landing]);
    }
    await Promise.all(fetching);
    await Promise.all(landing);
    this.progress(true);
    const outcomes = this.plan.windows.map((w) => this.outcomes.get(w.id) ?? { kind: 'not-run' as const, id: w.id });
    return { outcomes, fatal: this.fatal };
  }

  private stopped(): boolean {
    return this.fatal !== undefined || this.options.signal?.aborted === true;
  }

  /** Fetches one window; resolves when the fetch is done, leaving its landing in `landing`. */
  private async one(w: W, landing: Set<Promise<void>>): Promise<void> {
    try {
      const got = await this.fetcher.fetch(w);
      if (got.kind === 'empty') this.outcomes.set(w.id, { kind: 'empty', id: w.id });
      else {
        const l: Promise<void> = this.land(w, got.rows, got.apiVersion, got.intervals).finally(() => landing.delete(l));
        landing.add(l);
        return;
      }
    } catch (error) {
      if (!(error instanceof EiaError)) throw error;
      this.outcomes.set(w.id, { kind: 'failed', id: w.id, error });
      if (error.retry === 'fatal') this.fatal ??= error;
    }
    this.progress(false);
  }

  /** Arrow file first (atomic), manifest second: a crash between them only repeats this window. */
  private async land(w: W, rows: RowColumns, apiVersion: string, intervals: Int32Array | undefined): Promise<void> {
    const file = `${w.id}.arrow`;
    const bytes = encodeRawFile(rows, { source: this.options.source, route: w.route, windowStartMs: w.startMs, windowEndMs: w.endMs, retrievedAt: new Date().toISOString(), apiVersion }, intervals);
    await writeFileAtomic(join(this.options.outDir, file), bytes);
    await this.writer.record(w.id, {
      route: w.route, file, start: formatHour(w.startMs), end: formatHour(w.endMs), respondents: [...w.respondents], series: [...w.series],
      rows: rows.length, nullValues: rows.nullCount, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), landedAt: new Date().toISOString(),
    });
    this.stats.rowsLanded += rows.length;
    this.stats.windowsLanded++;
    this.outcomes.set(w.id, { kind: 'landed', id: w.id, rows: rows.length });
    this.progress(false);
  }

  private progress(final: boolean): void {
    const now = Date.now();
    if (!this.options.onProgress || (!final && now - this.lastProgress < 1000)) return;
    this.lastProgress = now;
    const done = this.outcomes.size;
    const elapsed = Math.max(1e-3, (now - Math.min(now, this.stats.firstStart)) / 1000);
    const windowsPerSecond = this.stats.windowsLanded / elapsed;
    const remaining = this.plan.windows.length - done;
    this.options.onProgress({
      windowsDone: done, windowsTotal: this.plan.windows.length, rowsLanded: this.stats.rowsLanded, requests: this.stats.requests,
      requestsPerSecond: this.stats.requests / elapsed, etaSeconds: windowsPerSecond > 0 ? remaining / windowsPerSecond : Number.NaN,
    });
  }
}

function summarise(plan: Plan, manifest: Manifest, outcomes: WindowOutcome[], refetched: readonly DamagedWindow[], stats: RunStats, options: ExtractOptions, fatal: EiaError | undefined, wallStart: number): ExtractResult {
  const scan = scanLanded(options.outDir, manifest, plan.input.startMs, plan.input.endMs);
  const coverage = coverageReport(scan, plan.input);
  return {
    plan, outcomes, stats, rates: rateFigures(stats, options.ratePerHour, options.timeScale), coverage,
    contentSha256: scan.contentSha256, refetched, rowsOnDisk: scan.rows, duplicates: scan.duplicates,
    interrupted: options.signal?.aborted === true, fatal, wallSeconds: (Date.now() - wallStart) / 1000,
  };
}
