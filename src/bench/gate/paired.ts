// The timed half of `bench gate`: the candidate's and the reference's workers measure every timed
// metric in interleaved pairs (ABBA: A B, B A, A B, …) so both see the same contention, and each
// metric is judged from its pairs (paired-verdict.ts), drawing more pairs while undecided.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateStage } from './metric.ts';
import { judge, type PairStats, type Rule } from './paired-verdict.ts';
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

export type PairedVerdict =
  | ({ readonly kind: 'judged'; readonly id: string; readonly stage: GateStage; readonly clock: string } & PairStats & {
        readonly confirmed: boolean;
        readonly reps: number;
        readonly seconds: { readonly candidate: number; readonly reference: number };
      })
  | { readonly kind: 'not comparable'; readonly id: string; readonly stage: GateStage; readonly reason: string };

/**
 * Metrics measured as a duet: both trees at once, sample i paired with sample i. Training is one
 * `train()` call per batch (each call compiles its pipelines on a new device, minutes on a loaded
 * CPU adapter), so its steps cannot alternate one by one; run side by side they share contention.
 */
const DUET = new Set(['train.steady step']);

/** CPU seconds a kernel or ingest sample lasts at least (repetitions back to back). */
const SAMPLE_SECONDS = 0.015;

interface Tree {
  readonly worker: GateWorker;
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
  const body = await t.worker.ask({ op: 'measure', metric, reps, samples: 1, fresh });
  const s = get(body, 'seconds');
  const v = Array.isArray(s) ? s[0] : undefined;
  if (typeof v !== 'number' || !(v > 0)) throw new Error(`${t.worker.label} worker: ${metric} gave ${String(v)} s`);
  return { seconds: v, clock: String(get(body, 'clock')) };
}

async function warm(t: Tree, metric: string): Promise<{ seconds: number; clock: string } | string> {
  const r = await t.worker.request({ op: 'measure', metric, reps: 1, samples: 1 });
  if (!r.ok) return `${t.worker.label}: ${r.message}`;
  const s = get(r.body, 'seconds');
  const v = Array.isArray(s) ? s[0] : undefined;
  return typeof v === 'number' && v > 0
    ? { seconds: v, clock: String(get(r.body, 'clock')) }
    : `${t.worker.label}: no time`;
}

/** A duet metric's probe is set up (prepare did it) but not run: one run is a whole batch. */
async function ready(t: Tree, metric: string): Promise<{ seconds: number; clock: string } | string> {
  const status = get(t.prepared, metric);
  return status === 'ok' ? { seconds: 1, clock: 'process' } : `${t.worker.label}: ${String(status)}`;
}

/** `n` samples of `metric` from one request to each tree at once (duet: same moment, same contention). */
async function duet(cand: Tree, ref: Tree, metric: string, n: number): Promise<{ c: number[]; r: number[] }> {
  const ask = async (t: Tree): Promise<number[]> => {
    const s = get(await t.worker.ask({ op: 'measure', metric, reps: 1, samples: n, fresh: false }), 'seconds');
    if (!Array.isArray(s) || s.length !== n || !s.every((v): v is number => typeof v === 'number' && v > 0))
      throw new Error(`${t.worker.label} worker: ${metric} gave ${JSON.stringify(s)}`);
    return s;
  };
  const [c, r] = await Promise.all([ask(cand), ask(ref)]);
  return { c, r };
}

/** `n` pairs in ABBA order; returns the candidate's and the reference's seconds, pair by pair. */
async function pairs(
  cand: Tree,
  ref: Tree,
  metric: string,
  reps: number,
  n: number,
  start: number,
): Promise<{ c: number[]; r: number[] }> {
  if (DUET.has(metric)) return duet(cand, ref, metric, n);
  const c: number[] = [];
  const r: number[] = [];
  if (start > 0) {
    // a later batch gets its own set-up (new buffers and closures) and one unkept warm-up sample
    // in each tree, so an effect of one allocation's placement does not repeat batch after batch
    await sample(cand, metric, reps, true);
    await sample(ref, metric, reps, true);
  }
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

/**
 * Judges one metric: a first batch; while undecided, more batches up to the cap. A regression
 * counts only when an independent batch drawn after it is regressed on its own too, and all pairs
 * together still are (contention that hit one tree's samples in one batch does not repeat).
 */
async function judgeMetric(o: PairedOptions, cand: Tree, ref: Tree, id: string): Promise<PairedVerdict> {
  const stage = stageOf(id);
  const [wc, wr] = DUET.has(id)
    ? [await ready(cand, id), await ready(ref, id)]
    : [await warm(cand, id), await warm(ref, id)];
  if (typeof wc === 'string') return { kind: 'not comparable', id, stage, reason: wc };
  if (typeof wr === 'string') return { kind: 'not comparable', id, stage, reason: wr };
  if (wc.clock !== wr.clock)
    return { kind: 'not comparable', id, stage, reason: `clocks differ: candidate ${wc.clock}, reference ${wr.clock}` };
  const slow = Math.max(wc.seconds, wr.seconds);
  const reps = stage === 'kernels' || stage === 'ingest' ? Math.min(1000, Math.ceil(SAMPLE_SECONDS / slow)) : 1;
  const all = await pairs(cand, ref, id, reps, o.batch, 0);
  let stats = judge(all.c, all.r, o.rule);
  let confirmed = false;
  const t0 = performance.now();
  for (let b = 1; b < o.maxBatches; b++) {
    if (stats.decision === 'same' || stats.decision === 'faster') break;
    if (stats.decision === 'regressed' && confirmed) break;
    // a metric that cannot be decided within its time stays undecided (the gate's time is bounded)
    if (stats.decision === 'undecided' && (performance.now() - t0) / 1e3 > o.maxSecondsPerMetric) break;
    const more = await pairs(cand, ref, id, reps, o.batch, all.c.length);
    all.c.push(...more.c);
    all.r.push(...more.r);
    const alone = judge(more.c, more.r, o.rule);
    const before = stats.decision;
    stats = judge(all.c, all.r, o.rule);
    confirmed = before === 'regressed' && alone.decision === 'regressed' && stats.decision === 'regressed';
  }
  // an unconfirmed regression at the cap is reported as undecided: it did not repeat
  if (stats.decision === 'regressed' && !confirmed) stats = { ...stats, decision: 'undecided' };
  return {
    kind: 'judged',
    id,
    stage,
    clock: wc.clock,
    ...stats,
    confirmed,
    reps,
    seconds: { candidate: median(all.c), reference: median(all.r) },
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

async function startTree(label: string, root: string, work: string, o: PairedOptions, page: string): Promise<Tree> {
  const worker = new GateWorker(label, root);
  const body = await worker.ask({
    op: 'setup',
    work: join(work, label),
    raw: o.raw,
    page,
    pageMeta: PAGE_META,
    splits: o.splits,
    seqLen: o.seqLen,
    train: QUICK_TRAIN,
    adapter: o.adapter,
  });
  const k = get(body, 'kernels');
  return {
    worker,
    kernels: Array.isArray(k) ? k.filter((x): x is string => typeof x === 'string') : [],
    prepared: undefined,
  };
}

/** Measures and judges every timed metric; `say` gets one progress line per metric. */
export async function runPaired(o: PairedOptions, say: (line: string) => void): Promise<PairedVerdict[]> {
  const work = mkdtempSync(join(tmpdir(), 'wattring-gate-pairs-'));
  const page = join(work, 'page.json');
  writeFileSync(page, samplePage());
  const trees: Tree[] = [];
  try {
    trees.push(await startTree('candidate', o.candidateRoot, work, o, page));
    trees.push(await startTree('reference', o.referenceRoot, work, o, page));
    const [cand, ref] = trees;
    if (!cand || !ref) throw new Error('workers did not start');
    const ids = metricIds(o, cand, ref);
    const t0 = performance.now();
    await Promise.all(
      trees.map(async (t) => {
        t.prepared = get(await t.worker.ask({ op: 'prepare', metrics: ids }), 'status');
      }),
    );
    say(`set up ${ids.length} metrics in both trees (${((performance.now() - t0) / 1e3).toFixed(0)} s)`);
    const out: PairedVerdict[] = [];
    for (const id of ids) {
      const t0 = performance.now();
      // a worker that cannot time a metric (it threw, or its clock read nothing) makes that metric
      // not comparable, stated with the reason; the other metrics are still judged
      const v = await judgeMetric(o, cand, ref, id).catch(
        (error: unknown): PairedVerdict => ({
          kind: 'not comparable',
          id,
          stage: stageOf(id),
          reason: error instanceof Error ? error.message : String(error),
        }),
      );
      out.push(v);
      say(
        v.kind === 'judged'
          ? `${id}: ${v.decision}, ratio ${v.ratio.toFixed(3)} [${v.lower.toFixed(3)}, ${v.upper.toFixed(3)}], ` +
              `${v.pairs} pairs × ${v.reps}, p(slower) ${v.pSlower.toPrecision(2)} ` +
              `(${((performance.now() - t0) / 1e3).toFixed(0)} s)`
          : `${id}: not comparable: ${v.reason}`,
      );
    }
    return out;
  } finally {
    await Promise.all(trees.map((t) => t.worker.close()));
    rmSync(work, { recursive: true, force: true });
  }
}
