// The extract run: plan the windows, skip what the manifest holds (once its file checks out against
// the manifest's size and sha256), fetch the rest at the key's budget, land each window (Arrow file,
// then manifest), and report counts and coverage. With a cluster (Redis), several workers share the
// budget and lease the windows between them.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { encodeRawFile, type RawSource, type RawWriteMeta } from './arrow.ts';
import { EiaClient } from './client.ts';
import {
  ClusterSession,
  LeaseClaims,
  QueueClaims,
  readClusterStatus,
  SharedManifestLander,
  type Claim,
  type ClusterOptions,
  type ClusterStatus,
  type LandResult,
  type WindowClaims,
  type WindowLander,
} from './cluster/index.ts';
import type { RowColumns } from './columns.ts';
import { coverageReport, type CoverageReport } from './coverage.ts';
import { EiaError, ExtractUsageError, OutputError } from './errors.ts';
import { WindowFetcher, type WindowFetch } from './fetch-window.ts';
import { formatHour, HOUR_MS } from './hours.ts';
import { scanLanded } from './landed.ts';
import { KeyLimiter, sleep } from './limiter.ts';
import { MANIFEST_SCHEMA, ManifestWriter, readManifest, type LandedWindow, type Manifest } from './manifest.ts';
import { planRequests, type Plan, type PlanInput, type PlannedWindow } from './plan.ts';
import { defaultRetryPolicy } from './retry.ts';
import { ROUTES, type RouteName } from './routes.ts';
import { rateFigures, RunStats, type RateFigures } from './stats.ts';
import { writeFileAtomic } from '../core/index.ts';
import { removeStaleTemps } from './store.ts';
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
  /** Join the API key's cluster in Redis: shared limiter, window leases, one shared --out. */
  readonly cluster?: ClusterOptions | undefined;
  /** Window lease lifetime in server-time seconds (default 30; see leaseMsFor). */
  readonly leaseSeconds?: number | undefined;
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
  | { readonly kind: 'not-run'; readonly id: string }
  /** Landed (or settled) by another worker of the cluster. */
  | { readonly kind: 'elsewhere'; readonly id: string };

/** This worker's part in a cluster run, and the cluster as it stood when the worker finished. */
export interface ClusterPart {
  readonly worker: string;
  readonly runId: string;
  readonly joined: 'created' | 'joined';
  /** Windows this worker fetched to completion that another worker had landed first (discarded). */
  readonly fetchedTwice: number;
  /** undefined when Redis could not be read at the end. */
  readonly status: ClusterStatus | undefined;
}

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
  /** With a cluster: this worker's part and the cluster view (absent for sources without cluster mode). */
  readonly cluster?: ClusterPart | undefined;
}

/**
 * Lease lifetime in a cluster, ms of wall time: `leaseSeconds` of server time (default 30), at least
 * 2 s of wall time so that a busy event loop (renewing every third of it) does not lose its leases.
 */
export function leaseMsFor(timeScale: number, leaseSeconds = 30): number {
  // The floor outlives event-loop stalls of a loaded machine (Arrow encoding, hashing, GC): with
  // 2 s, a live worker's renewals (every lease/3) came late under CI load and another worker took
  // and fetched its windows a second time.
  return Math.max(5000, (leaseSeconds * 1000) / timeScale);
}

/** A shared --out holds other workers' live temp files; only temps this old are a dead run's. */
const STALE_TEMP_MS = 10 * 60_000;

export async function runExtract(options: ExtractOptions): Promise<ExtractResult> {
  const wallStart = Date.now();
  const k = options.timeScale;
  const session = options.cluster ? await openCluster(options.cluster, options) : undefined;
  let client: EiaClient | undefined;
  let limiter: KeyLimiter | undefined;
  try {
    const existing = openOutput(options);
    const stats = new RunStats();
    limiter = new KeyLimiter({
      ratePerHour: options.ratePerHour,
      burstPerSecond: options.burstPerSecond ?? 5,
      timeScale: k,
      maxInFlight: options.maxInFlight,
      cluster: session
        ? {
            connection: session.limiterConnection(),
            id: session.keys.limiterId,
            lost: session.lost,
            jobExpirationMs: (2 * (options.timeoutMs ?? 60_000)) / k + 1000,
          }
        : undefined,
    });
    if (session) await limiter.join();
    client = new EiaClient({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      timeoutMs: (options.timeoutMs ?? 60_000) / k,
    });
    const fetcher = new WindowFetcher(client, limiter, defaultRetryPolicy(k), stats);
    const planInput = existing
      ? resumedPlanInput(existing, options)
      : { ...options.plan, seriesPerRespondent: await probeSeries(options, fetcher) };
    const plan = planRequests(planInput);
    if (existing && existing.plan !== plan.fingerprint) {
      throw new OutputError(
        `${options.outDir} holds a run planned differently (plan ${existing.plan}, these flags give ` +
          `${plan.fingerprint}); resume with the original flags or use another --out.`,
      );
    }
    const joined = session ? await session.join(plan.fingerprint, plan.windows.length) : undefined;
    const manifest: Manifest = existing ?? {
      schema: MANIFEST_SCHEMA,
      source: options.source,
      plan: plan.fingerprint,
      planInput: planJson(planInput),
      windows: {},
    };
    const damagedSha = new Map<string, string>();
    const before = { ...manifest.windows };
    const refetched = dropDamaged(options, manifest);
    for (const d of refetched) damagedSha.set(d.id, before[d.id]?.sha256 ?? '');
    const shared = session ? sharedLanding(session, options.outDir, plan, manifest, damagedSha, stats, k) : undefined;
    const run = new WindowRun(
      plan,
      manifest,
      new ManifestWriter(options.outDir, manifest),
      fetcher,
      limiter,
      stats,
      options,
      shared,
    );
    const { outcomes, fatal } = await run.all();
    const cluster = session && joined ? await clusterPart(session, joined, run.fetchedTwice) : undefined;
    await shared?.claims.close();
    shared?.lander.mergeFromDisk();
    return summarise(plan, manifest, outcomes, refetched, stats, options, fatal, wallStart, cluster);
  } finally {
    await limiter?.stop();
    await client?.close();
    await session?.close();
  }
}

async function openCluster(cluster: ClusterOptions, options: ExtractOptions): Promise<ClusterSession> {
  if (options.apiKey === undefined)
    throw new ExtractUsageError(
      cluster.flag,
      "a cluster shares one API key's budget: give the key (--api-key or EIA_API_KEY) and the --base-url every " +
        'worker uses',
    );
  const budget = `${options.ratePerHour}/h burst ${options.burstPerSecond ?? 5}/s x${options.timeScale}`;
  return ClusterSession.open(cluster, options.apiKey, budget, leaseMsFor(options.timeScale, options.leaseSeconds));
}

function memberCounters(
  stats: RunStats,
  timeScale: number,
): { windowsLanded: number; rowsLanded: number; requests: number; requestsPerHour: number } {
  const seconds = Math.max(1e-3, (Date.now() - Math.min(Date.now(), stats.firstStart)) / 1000);
  return {
    windowsLanded: stats.windowsLanded,
    rowsLanded: stats.rowsLanded,
    requests: stats.requests,
    requestsPerHour: (stats.requests / seconds) * (3600 / timeScale),
  };
}

async function clusterPart(
  session: ClusterSession,
  joined: 'created' | 'joined',
  fetchedTwice: number,
): Promise<ClusterPart> {
  const status = await readClusterStatus(session.redis, session.keys).catch(() => undefined);
  return { worker: session.worker, runId: session.runId, joined, fetchedTwice, status };
}

/** A cluster's landing: windows leased in Redis, landed into the shared --out under the manifest lock. */
function sharedLanding(
  session: ClusterSession,
  outDir: string,
  plan: Plan,
  manifest: Manifest,
  damagedSha: ReadonlyMap<string, string>,
  stats: RunStats,
  k: number,
): { lander: SharedManifestLander; claims: LeaseClaims<PlannedWindow> } {
  const lander = new SharedManifestLander(outDir, manifest, session, damagedSha);
  return {
    lander,
    claims: new LeaseClaims(
      session,
      plan.windows.filter((w) => !manifest.windows[w.id]),
      (id) => lander.holds(id),
      () => memberCounters(stats, k),
    ),
  };
}

/** One process alone on --out: Arrow file (atomic), then the manifest entry. */
class LocalLander implements WindowLander {
  constructor(
    private readonly outDir: string,
    private readonly manifest: Manifest,
    private readonly writer: ManifestWriter,
  ) {}
  holds(id: string): boolean {
    return this.manifest.windows[id] !== undefined;
  }
  async land(id: string, bytes: Uint8Array, entry: LandedWindow): Promise<LandResult> {
    await writeFileAtomic(join(this.outDir, entry.file), bytes);
    await this.writer.record(id, entry);
    return 'recorded';
  }
}

/** Checks --out and reads its manifest; without --resume a folder holding a run is refused. */
export function openOutput(options: {
  readonly outDir: string;
  readonly resume: boolean;
  readonly source: RawSource;
  readonly cluster?: ClusterOptions | undefined;
}): Manifest | undefined {
  const existing = readManifest(options.outDir);
  // A cluster's workers share --out: joining one that has landed windows is resuming it by definition.
  if (existing && !options.resume && !options.cluster) {
    throw new OutputError(
      `${options.outDir} already holds an extract run (${Object.keys(existing.windows).length} windows landed); ` +
        `pass --resume to continue it, or use another --out.`,
    );
  }
  if (existing && existing.source !== options.source) {
    throw new OutputError(
      `${options.outDir} holds data from source ${existing.source}, not ${options.source}; use another --out.`,
    );
  }
  removeStaleTemps(options.outDir, options.cluster ? STALE_TEMP_MS : 0);
  return existing;
}

/**
 * Checks every landed file against its manifest entry and forgets the entries whose file is damaged,
 * so their windows are fetched again (the new file replaces the old one atomically). The manifest on
 * disk loses an entry only when the next save happens, and never keeps one for a damaged file.
 */
export function dropDamaged(
  options: Pick<ExtractOptions, 'outDir' | 'onDamaged'>,
  manifest: Manifest,
): DamagedWindow[] {
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
    for (const [route, v] of Object.entries(stored))
      if (typeof v === 'number' && (route === 'region-data' || route === 'fuel-type-data'))
        seriesPerRespondent[route] = v;
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
async function probeSeries(
  options: ExtractOptions,
  fetcher: WindowFetcher,
): Promise<Partial<Record<RouteName, number>>> {
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
  private readonly lander: WindowLander;
  private readonly claims: WindowClaims<W>;
  /** Windows fetched to completion that another worker had landed first. */
  fetchedTwice = 0;

  constructor(
    private readonly plan: { readonly windows: readonly W[] },
    private readonly manifest: Manifest,
    writer: ManifestWriter,
    private readonly fetcher: WindowSource<W>,
    private readonly limiter: KeyLimiter,
    private readonly stats: RunStats,
    private readonly options: LandingOptions,
    /** A cluster's shared landing and leases; without it, this process alone runs every window. */
    shared?: { readonly lander: WindowLander; readonly claims: WindowClaims<W> },
  ) {
    this.lander = shared?.lander ?? new LocalLander(options.outDir, manifest, writer);
    this.claims = shared?.claims ?? new QueueClaims(plan.windows.filter((w) => !manifest.windows[w.id]));
  }

  async all(): Promise<{ outcomes: WindowOutcome[]; fatal: EiaError | undefined }> {
    for (const w of this.plan.windows)
      if (this.manifest.windows[w.id]) this.outcomes.set(w.id, { kind: 'skipped', id: w.id });
    // Windows still fetching are capped by the limiter's in-flight target (so its slots stay booked);
    // windows writing to disk are not counted against it, but at most MAX_LANDING wait on the disk.
    const fetching = new Set<Promise<void>>();
    const landing = new Set<Promise<void>>();
    let claimsDone = false;
    while (!this.stopped() && !(claimsDone && fetching.size + landing.size === 0)) {
      let wait: Promise<unknown> | undefined;
      if (!claimsDone && fetching.size < this.limiter.maxInFlight + 2 && landing.size < MAX_LANDING) {
        const claim = await this.claim();
        if (claim.kind === 'take') {
          const f: Promise<void> = this.one(claim.window, landing).finally(() => fetching.delete(f));
          fetching.add(f);
          continue;
        }
        if (claim.kind === 'done') claimsDone = true;
        // Every window left is leased by others: look again later, or as soon as one of ours ends.
        else wait = sleep(claim.ms);
      }
      if (fetching.size + landing.size > 0 || wait)
        await Promise.race([...fetching, ...landing, ...(wait ? [wait] : [])]);
    }
    await Promise.all(fetching);
    await Promise.all(landing);
    this.progress(true);
    const outcomes = this.plan.windows.map(
      (w): WindowOutcome =>
        this.outcomes.get(w.id) ??
        (this.claims.elsewhere.has(w.id) ? { kind: 'elsewhere', id: w.id } : { kind: 'not-run', id: w.id }),
    );
    return { outcomes, fatal: this.fatal };
  }

  /** The next claim; losing Redis stops the run like a fatal API error. */
  private async claim(): Promise<Claim<W>> {
    try {
      return await this.claims.next();
    } catch (error) {
      if (!(error instanceof EiaError)) throw error;
      this.fatal ??= error;
      return { kind: 'done' };
    }
  }

  private stopped(): boolean {
    return this.fatal !== undefined || this.options.signal?.aborted === true;
  }

  /** Fetches one window; resolves when the fetch is done, leaving its landing in `landing`. */
  private async one(w: W, landing: Set<Promise<void>>): Promise<void> {
    try {
      const got = await this.fetcher.fetch(w);
      if (got.kind === 'empty') {
        this.outcomes.set(w.id, { kind: 'empty', id: w.id });
        await this.claims.settle(w.id, 'other');
      } else {
        const l: Promise<void> = this.land(w, got.rows, got.apiVersion, got.intervals).finally(() => landing.delete(l));
        landing.add(l);
        return;
      }
    } catch (error) {
      if (!(error instanceof EiaError)) throw error;
      this.failed(w, error);
      // A fatal error is the run's, not the window's: leave it to whoever runs next.
      if (error.retry !== 'fatal') await this.claims.settle(w.id, 'other');
    }
    this.progress(false);
  }

  private failed(w: W, error: EiaError): void {
    this.outcomes.set(w.id, { kind: 'failed', id: w.id, error });
    if (error.retry === 'fatal') this.fatal ??= error;
  }

  /** Arrow file first (atomic), manifest second: a crash between them only repeats this window. */
  private async land(w: W, rows: RowColumns, apiVersion: string, intervals: Int32Array | undefined): Promise<void> {
    const file = `${w.id}.arrow`;
    const bytes = encodeRawFile(
      rows,
      {
        source: this.options.source,
        route: w.route,
        windowStartMs: w.startMs,
        windowEndMs: w.endMs,
        retrievedAt: new Date().toISOString(),
        apiVersion,
      },
      intervals,
    );
    let result: LandResult;
    try {
      result = await this.lander.land(w.id, bytes, {
        route: w.route,
        file,
        start: formatHour(w.startMs),
        end: formatHour(w.endMs),
        respondents: [...w.respondents],
        series: [...w.series],
        rows: rows.length,
        nullValues: rows.nullCount,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        landedAt: new Date().toISOString(),
      });
    } catch (error) {
      // Only a shared landing fails short of the disk itself: Redis (the manifest lock) is gone.
      if (!(error instanceof EiaError)) throw error;
      this.failed(w, error);
      return;
    }
    if (result === 'recorded') {
      this.stats.rowsLanded += rows.length;
      this.stats.windowsLanded++;
      this.outcomes.set(w.id, { kind: 'landed', id: w.id, rows: rows.length });
    } else {
      this.fetchedTwice++;
      this.outcomes.set(w.id, { kind: 'elsewhere', id: w.id });
    }
    await this.claims.settle(w.id, result === 'recorded' ? 'landed' : 'fetched-twice');
    this.progress(false);
  }

  private progress(final: boolean): void {
    const now = Date.now();
    if (!this.options.onProgress || (!final && now - this.lastProgress < 1000)) return;
    this.lastProgress = now;
    const done = this.outcomes.size + [...this.claims.elsewhere].filter((id) => !this.outcomes.has(id)).length;
    const elapsed = Math.max(1e-3, (now - Math.min(now, this.stats.firstStart)) / 1000);
    const windowsPerSecond = this.stats.windowsLanded / elapsed;
    const remaining = this.plan.windows.length - done;
    this.options.onProgress({
      windowsDone: done,
      windowsTotal: this.plan.windows.length,
      rowsLanded: this.stats.rowsLanded,
      requests: this.stats.requests,
      requestsPerSecond: this.stats.requests / elapsed,
      etaSeconds: windowsPerSecond > 0 ? remaining / windowsPerSecond : Number.NaN,
    });
  }
}

function summarise(
  plan: Plan,
  manifest: Manifest,
  outcomes: WindowOutcome[],
  refetched: readonly DamagedWindow[],
  stats: RunStats,
  options: ExtractOptions,
  fatal: EiaError | undefined,
  wallStart: number,
  cluster: ClusterPart | undefined,
): ExtractResult {
  const scan = scanLanded(options.outDir, manifest, plan.input.startMs, plan.input.endMs);
  const coverage = coverageReport(scan, plan.input);
  return {
    plan,
    outcomes,
    stats,
    rates: rateFigures(stats, options.ratePerHour, options.timeScale),
    coverage,
    contentSha256: scan.contentSha256,
    refetched,
    rowsOnDisk: scan.rows,
    duplicates: scan.duplicates,
    interrupted: options.signal?.aborted === true,
    fatal,
    wallSeconds: (Date.now() - wallStart) / 1000,
    cluster,
  };
}
