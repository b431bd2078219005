// The timed half of `bench gate`: two resident worker processes, each hosting both trees, measure
// every timed metric in interleaved pairs (ABBA: A B, B A, A B, …) so both trees see the same
// contention, and each metric is judged from its pairs (paired-verdict.ts), drawing more pairs
// while undecided. Within a batch the candidate is timed in one worker and the reference in the
// other; the next batch swaps them. A bias of one process or one set-up (measured in A/A runs:
// one worker's gradnorm-clip 2.2× another's until set up anew, whole batches 1.4–1.6× on identical
// code, docs/gate.md) then reads as a regression in one assignment and a speed-up in the other, and
// a regression counts only when the pairs of each assignment show it on their own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateStage } from './metric.ts';
import { judge, judgeSides, type PairStats, type Rule } from './paired-verdict.ts';
import { get } from './protocol.ts';
import { GateWorker } from './workers.ts';
import { samplePage, PAGE_META, QUICK_TRAIN } from './paired-inputs.ts';
import { median } from '../../core/index.ts';

export interface PairedOptions {
  readonly candidateRoot: string;
  readonly referenceRoot: string;
  /** Raw-file folder (the gate's extract) for the feature build and the training store. */
  readonly raw: string;
  readonly splits: string;
  readonly seqLen: number;
  readonly stages: ReadonlySet<GateStage>;
  readonly adapter: Record<string, unknown>;
  readonly rule: Rule;
  /** Pairs per batch; a metric gets at most `maxBatches` batches. */
  readonly batch: number;
  readonly maxBatches: number;
  /** Seconds of pairs after which an undecided metric draws no more batches. */
  readonly maxSecondsPerMetric: number;
  /** Only metrics whose id contains one of these (for a focused re-run); all when empty. */
  readonly only?: readonly string[];
}

/** A metric judged from its pairs. */
export interface JudgedVerdict extends PairStats {
  readonly kind: 'judged';
  readonly id: string;
  readonly stage: GateStage;
  readonly clock: string;
  readonly confirmed: boolean;
  /** Geometric mean of the two assignments' ratios (a process bias cancels); the one ratio while one is drawn. */
  readonly balanced: number;
  readonly reps: number;
  readonly seconds: { readonly candidate: number; readonly reference: number };
  /** Median ratio of the pairs with the candidate in worker 1, and in worker 2 (NaN: none drawn). */
  readonly byWorker: readonly [number, number];
  /** Every batch's seconds per repetition, pair by pair, and which worker timed the candidate. */
  readonly batches: readonly Batch[];
  /** A regression's second judgement, in two fresh workers (retryRegressed). */
  readonly retry?: JudgedVerdict;
  /** Why the second judgement could not be made. */
  readonly retryError?: string;
}

export type PairedVerdict =
  | JudgedVerdict
  | { readonly kind: 'not comparable'; readonly id: string; readonly stage: GateStage; readonly reason: string }
  /** The candidate's own code threw or its worker died while timing it: the gate fails, naming why. */
  | { readonly kind: 'failed'; readonly id: string; readonly stage: GateStage; readonly reason: string };

/**
 * The candidate tree could not be timed for a reason other than a missing API: its measured code
 * threw, or its worker exited. Unlike a reference that cannot run the candidate's inputs (an older
 * API: not comparable), this fails the gate; else a probe broken by a change (e.g. an option the
 * training call now requires) would silently stop timing that stage.
 */
class CandidateFailed extends Error {}

/**
 * A failed request's reply as the verdict treats it: NOT_COMPARABLE, or any failure of the
 * reference, is a reason (not comparable); any other failure of the candidate throws.
 */
function failure(t: Tree, reply: { readonly code: string; readonly message: string }): string {
  const reason = `${t.label}: ${reply.code}: ${reply.message}`;
  if (t.candidate && reply.code !== 'NOT_COMPARABLE') throw new CandidateFailed(reason);
  return reason;
}

/** Thrown by a sample that cannot be drawn from a tree, with the reason (not comparable). */
class NoSample extends Error {}

/** One measure request; its reply's body, or CandidateFailed / NoSample. */
async function measureReply(t: Tree, body: Record<string, unknown>): Promise<unknown> {
  const r = await t.worker.request({ op: 'measure', tree: t.index, ...body });
  if (!r.ok) throw new NoSample(failure(t, r));
  return r.body;
}

/**
 * Metrics measured as a duet: one run per tree per batch, sample i paired with sample i. Training
 * is one `train()` call per batch (each call compiles its pipelines on a new device, minutes on a
 * loaded CPU adapter), so its steps cannot alternate one by one; the calls run one after the other.
 */
const DUET = new Set(['train.steady step']);

/** Steady training steps per duet batch, per pair of the other metrics' batches (steps are cheap; the call is not). */
const DUET_STEPS_PER_PAIR = 2;

/** CPU seconds a kernel or ingest sample lasts at least (repetitions back to back). */
const SAMPLE_SECONDS = 0.015;

export interface Batch {
  /** The worker (1 or 2) that timed the candidate; the other timed the reference. */
  readonly candidateWorker: 1 | 2;
  readonly candidate: readonly number[];
  readonly reference: readonly number[];
}

/** One tree as hosted by one worker. */
interface Tree {
  readonly worker: GateWorker;
  /** Its place among the worker's trees (the worker's argv order). */
  readonly index: 0 | 1;
  readonly candidate: boolean;
  readonly label: string;
  kernels: string[];
  /** The prepare reply: metric → `ok` or why it cannot be measured. */
  prepared: unknown;
}

function stageOf(id: string): GateStage {
  const s = id.split('.')[0];
  if (s === 'ingest' || s === 'features' || s === 'kernels' || s === 'train' || s === 'forecast') return s;
  throw new Error(`metric ${id} has no stage`);
}

async function sample(
  t: Tree,
  metric: string,
  reps: number,
  fresh = false,
): Promise<{ seconds: number; clock: string }> {
  const body = await measureReply(t, { metric, reps, samples: 1, fresh });
  const s = get(body, 'seconds');
  const v = Array.isArray(s) ? s[0] : undefined;
  if (typeof v !== 'number' || !(v > 0)) throw new Error(`${t.label}: ${metric} gave ${String(v)} s`);
  return { seconds: v, clock: String(get(body, 'clock')) };
}

async function warm(t: Tree, metric: string): Promise<{ seconds: number; clock: string } | string> {
  const r = await t.worker.request({ op: 'measure', tree: t.index, metric, reps: 1, samples: 1 });
  if (!r.ok) return failure(t, r);
  const s = get(r.body, 'seconds');
  const v = Array.isArray(s) ? s[0] : undefined;
  return typeof v === 'number' && v > 0 ? { seconds: v, clock: String(get(r.body, 'clock')) } : `${t.label}: no time`;
}

/** A duet metric's probe is set up (prepare did it) but not run: one run is a whole batch. */
async function ready(t: Tree, metric: string): Promise<{ seconds: number; clock: string } | string> {
  const status = get(t.prepared, metric);
  if (status === 'ok') return { seconds: 1, clock: 'process' };
  const [code, ...rest] = String(status).split(': ');
  return failure(t, { code: code ?? 'WORKER_ERROR', message: rest.join(': ') });
}

/**
 * `n` samples of `metric` from one request to each tree, one tree after the other (which goes first
 * alternates by batch). The two calls used to run at once; but they reach their steady steps at
 * different moments (each compiles first), so one tree's steps ran beside the other's compile and
 * the other's beside steps: an A/A batch read 0.757×, and a real 1.32× slowdown read 1.011× in
 * the next batch. On the CPU clocks a call alone is not slowed by waiting for a core.
 */
async function duet(
  cand: Tree,
  ref: Tree,
  metric: string,
  n: number,
  candidateFirst: boolean,
): Promise<{ c: number[]; r: number[] }> {
  const ask = async (t: Tree): Promise<number[]> => {
    const s = get(await measureReply(t, { metric, reps: 1, samples: n, fresh: false }), 'seconds');
    if (!Array.isArray(s) || s.length !== n || !s.every((v): v is number => typeof v === 'number' && v > 0))
      throw new Error(`${t.label}: ${metric} gave ${JSON.stringify(s)}`);
    return s;
  };
  if (candidateFirst) {
    const c = await ask(cand);
    return { c, r: await ask(ref) };
  }
  const r = await ask(ref);
  return { c: await ask(cand), r };
}

/**
 * `n` pairs in ABBA order, strictly alternating (the idle worker waits for its next request);
 * returns the candidate's and the reference's seconds, pair by pair. `fresh`: both trees set the
 * metric up anew first (new buffers and closures), when these two have timed it in an earlier batch.
 */
async function pairs(
  cand: Tree,
  ref: Tree,
  metric: string,
  reps: number,
  n: number,
  start: number,
  fresh: boolean,
): Promise<{ c: number[]; r: number[] }> {
  if (DUET.has(metric))
    return duet(cand, ref, metric, n * DUET_STEPS_PER_PAIR, Math.floor(start / (n * DUET_STEPS_PER_PAIR)) % 2 === 0);
  const c: number[] = [];
  const r: number[] = [];
  // one unkept warm-up sample in each tree: this worker pair may not have run the metric yet
  await sample(cand, metric, reps, fresh);
  await sample(ref, metric, reps, fresh);
  for (let i = 0; i < n; i++) {
    if ((start + i) % 2 === 0) {
      c.push((await sample(cand, metric, reps)).seconds);
      r.push((await sample(ref, metric, reps)).seconds);
    } else {
      r.push((await sample(ref, metric, reps)).seconds);
      c.push((await sample(cand, metric, reps)).seconds);
    }
  }
  return { c, r };
}

/** The two workers' trees: `trees[w][0]` the candidate in worker w + 1, `trees[w][1]` the reference. */
type Hosts = readonly [readonly [Tree, Tree], readonly [Tree, Tree]];

/**
 * Judges one metric: batches of pairs, the candidate in worker 1 and the reference in worker 2,
 * then swapped, and so on, while undecided, up to the cap. A regression counts only when all pairs
 * together are regressed AND the pairs of each assignment are, each on their own: a bias of one
 * worker process (or one set-up) favours the candidate in one assignment and the reference in the
 * other, so it cannot pass both; a slowdown of the candidate's code shows in both.
 */
async function judgeMetric(o: PairedOptions, hosts: Hosts, id: string, minBatches = 1): Promise<PairedVerdict> {
  const stage = stageOf(id);
  const [cand, ref] = [hosts[0][0], hosts[1][1]];
  const [wc, wr] = DUET.has(id)
    ? [await ready(cand, id), await ready(ref, id)]
    : [await warm(cand, id), await warm(ref, id)];
  if (typeof wc === 'string') return { kind: 'not comparable', id, stage, reason: wc };
  if (typeof wr === 'string') return { kind: 'not comparable', id, stage, reason: wr };
  if (wc.clock !== wr.clock)
    return { kind: 'not comparable', id, stage, reason: `clocks differ: candidate ${wc.clock}, reference ${wr.clock}` };
  const slow = Math.max(wc.seconds, wr.seconds);
  const reps = stage === 'kernels' || stage === 'ingest' ? Math.min(1000, Math.ceil(SAMPLE_SECONDS / slow)) : 1;
  const sides = [
    { candidate: [] as number[], reference: [] as number[] },
    { candidate: [] as number[], reference: [] as number[] },
  ] as const;
  const batches: Batch[] = [];
  let stats: (PairStats & { readonly confirmed: boolean; readonly balanced: number }) | undefined;
  let drawn = 0;
  const t0 = performance.now();
  for (let b = 0; b < o.maxBatches; b++) {
    if (stats) {
      // training (batch-level noise: one call per batch) and a retry decide on both assignments
      const enough = b >= (DUET.has(id) ? Math.max(2, minBatches) : minBatches);
      if (stats.decision !== 'undecided' && enough) break;
      // a metric that cannot be decided within its time stays undecided (the gate's time is bounded),
      // but one regressed in all pairs still gets the other assignment's batch, to confirm or not
      const unconfirmed = judge(
        [...sides[0].candidate, ...sides[1].candidate],
        [...sides[0].reference, ...sides[1].reference],
        o.rule,
      );
      if (unconfirmed.decision !== 'regressed' && (performance.now() - t0) / 1e3 > o.maxSecondsPerMetric) break;
    }
    const [w, v] = b % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
    const more = await pairs(hosts[w][0], hosts[v][1], id, reps, o.batch, drawn, b >= 2);
    drawn += more.c.length;
    batches.push({ candidateWorker: w === 0 ? 1 : 2, candidate: more.c, reference: more.r });
    sides[w].candidate.push(...more.c);
    sides[w].reference.push(...more.r);
    stats = judgeSides(
      sides.filter((s) => s.candidate.length > 0),
      o.rule,
    );
  }
  if (!stats) throw new Error(`${id}: no batch drawn (--max-batches must be at least 1)`);
  const byWorker = sides.map((s) => (s.candidate.length ? judge(s.candidate, s.reference, o.rule).ratio : Number.NaN));
  const c = sides.flatMap((s) => s.candidate);
  const r = sides.flatMap((s) => s.reference);
  return {
    kind: 'judged',
    id,
    stage,
    clock: wc.clock,
    ...stats,
    reps,
    seconds: { candidate: median(c), reference: median(r) },
    byWorker: [byWorker[0] ?? Number.NaN, byWorker[1] ?? Number.NaN],
    batches,
  };
}

function metricIds(o: PairedOptions, cand: Tree, ref: Tree): string[] {
  const ids: string[] = [];
  if (o.stages.has('ingest')) ids.push('ingest.parse + validate', 'ingest.Arrow write');
  if (o.stages.has('features')) ids.push('features.build');
  if (o.stages.has('kernels')) {
    const names = [...cand.kernels, ...ref.kernels.filter((k) => !cand.kernels.includes(k))];
    ids.push(...names.map((k) => `kernels.${k}`));
  }
  if (o.stages.has('train')) ids.push('train.steady step');
  const only = o.only ?? [];
  return only.length ? ids.filter((id) => only.some((s) => id.includes(s))) : ids;
}

/** A worker hosting both trees, set up; its two trees, the candidate first. */
async function startWorker(n: 1 | 2, work: string, o: PairedOptions, page: string, round = ''): Promise<[Tree, Tree]> {
  // Worker 1 hosts the candidate first, worker 2 the reference first: a tree's place in its worker
  // (which device opens first, whose modules load first) is then the same for both trees of every
  // pair, since a pair times the candidate in one worker and the reference in the other. With the
  // candidate first in both, identical bias-add read 1.124× and 1.099× in the two assignments.
  const roots = n === 1 ? [o.candidateRoot, o.referenceRoot] : [o.referenceRoot, o.candidateRoot];
  const candidateIndex = n === 1 ? 0 : 1;
  const worker = new GateWorker(`worker ${n}${round}`, ...roots);
  const body = await worker.ask({
    op: 'setup',
    work: join(work, `worker-${n}${round.replace(/\W+/g, '-')}`),
    raw: o.raw,
    page,
    pageMeta: PAGE_META,
    splits: o.splits,
    seqLen: o.seqLen,
    train: QUICK_TRAIN,
    adapter: o.adapter,
  });
  const k = get(body, 'kernels');
  const names = (i: number): string[] => {
    const l: unknown = Array.isArray(k) ? k[i] : undefined;
    return Array.isArray(l) ? l.filter((x): x is string => typeof x === 'string') : [];
  };
  const tree = (index: 0 | 1): Tree => ({
    worker,
    index,
    candidate: index === candidateIndex,
    label: `${index === candidateIndex ? 'candidate' : 'reference'} (worker ${n}${round})`,
    kernels: names(index),
    prepared: undefined,
  });
  return candidateIndex === 0 ? [tree(0), tree(1)] : [tree(1), tree(0)];
}

/** Two workers, each hosting both trees (in opposite orders); `workers` collects them for closing. */
async function startHosts(
  o: PairedOptions,
  work: string,
  page: string,
  workers: GateWorker[],
  round = '',
): Promise<Hosts> {
  const first = startWorker(1, work, o, page, round);
  const second = startWorker(2, work, o, page, round);
  for (const s of [first, second]) void s.then((t) => workers.push(t[0].worker)).catch(() => undefined);
  return [await first, await second];
}

/** Both workers set every metric up in both trees, at once (compiling their pipelines). */
async function prepareHosts(hosts: Hosts, ids: readonly string[]): Promise<void> {
  await Promise.all(
    hosts.map(async (trees) => {
      const status = get(await trees[0].worker.ask({ op: 'prepare', metrics: ids }), 'status');
      for (const t of trees) t.prepared = Array.isArray(status) ? status[t.index] : undefined;
    }),
  );
}

/**
 * Judges one metric; a reference that cannot time it (an older API, or its clock read nothing)
 * makes it not comparable, stated with the reason; a candidate whose code fails fails the gate.
 */
function judgeOrExplain(o: PairedOptions, hosts: Hosts, id: string, minBatches = 1): Promise<PairedVerdict> {
  return judgeMetric(o, hosts, id, minBatches).catch(
    (error: unknown): PairedVerdict => ({
      kind: error instanceof CandidateFailed ? 'failed' : 'not comparable',
      id,
      stage: stageOf(id),
      reason: error instanceof Error ? error.message : String(error),
    }),
  );
}

function verdictLine(v: PairedVerdict, seconds: number): string {
  return v.kind === 'judged'
    ? `${v.id}: ${v.decision}, ratio ${v.ratio.toFixed(3)} [${v.lower.toFixed(3)}, ${v.upper.toFixed(3)}], ` +
        `${v.pairs} pairs × ${v.reps}, p(slower) ${v.pSlower.toPrecision(2)}, ` +
        `by worker ${v.byWorker.map((x) => x.toFixed(3)).join(' / ')}, balanced ${v.balanced.toFixed(3)} ` +
        `(${seconds.toFixed(0)} s)`
    : `${v.id}: ${v.kind}: ${v.reason}`;
}

/**
 * A regression must happen again in two fresh worker processes (new devices, new JIT, new heaps),
 * judged by the same rule; else it reads `undecided` and passes. On a loaded CPU adapter a device
 * can sit in a slow state for many consecutive samples — one A/A run read identical gelu-bwd
 * 5.6–5.8 ms in one tree while the other read 8.2–9.3 ms, for 8 pairs in a row, then the other way
 * round (docs/gate.md) — so its pairs are not independent and the signed-rank p understates the
 * chance. A slower code path is slower in any process; a device's state is not carried over.
 */
async function retryRegressed(
  o: PairedOptions,
  work: string,
  page: string,
  workers: GateWorker[],
  verdicts: readonly PairedVerdict[],
  say: (line: string) => void,
): Promise<PairedVerdict[]> {
  const regressed = verdicts.filter((v) => v.kind === 'judged' && v.decision === 'regressed').map((v) => v.id);
  if (regressed.length === 0) return [...verdicts];
  const t0 = performance.now();
  const hosts = await startHosts(o, work, page, workers, ', fresh');
  await prepareHosts(hosts, regressed);
  say(`re-measuring ${regressed.length} regressed metric(s) in two fresh workers`);
  const out: PairedVerdict[] = [];
  for (const v of verdicts) {
    if (v.kind !== 'judged' || v.decision !== 'regressed') {
      out.push(v);
      continue;
    }
    const again = await judgeOrExplain(o, hosts, v.id, 2);
    say(`${verdictLine(again, (performance.now() - t0) / 1e3)} (fresh workers)`);
    const reproduced = again.kind === 'judged' && again.decision === 'regressed';
    out.push({
      ...v,
      decision: reproduced ? 'regressed' : 'undecided',
      ...(again.kind === 'judged' ? { retry: again } : { retryError: `${again.kind}: ${again.reason}` }),
    });
  }
  return out;
}

/** Measures and judges every timed metric; `say` gets one progress line per metric. */
export async function runPaired(o: PairedOptions, say: (line: string) => void): Promise<PairedVerdict[]> {
  const work = mkdtempSync(join(tmpdir(), 'wattring-gate-pairs-'));
  const page = join(work, 'page.json');
  writeFileSync(page, samplePage());
  const workers: GateWorker[] = [];
  try {
    const hosts = await startHosts(o, work, page, workers);
    const ids = metricIds(o, hosts[0][0], hosts[0][1]);
    const t0 = performance.now();
    await prepareHosts(hosts, ids);
    say(
      `set up ${ids.length} metrics in both trees in both workers (${((performance.now() - t0) / 1e3).toFixed(0)} s)`,
    );
    const out: PairedVerdict[] = [];
    for (const id of ids) {
      const t1 = performance.now();
      const v = await judgeOrExplain(o, hosts, id);
      out.push(v);
      say(verdictLine(v, (performance.now() - t1) / 1e3));
    }
    // the first workers' devices stay open: their adapter threads would not compete, they are idle
    return await retryRegressed(o, work, page, workers, out, say);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    rmSync(work, { recursive: true, force: true });
  }
}
