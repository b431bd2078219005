// `bench ring`'s measurement: runs the ring forward and backward on seeded inputs, the
// single-device blockwise kernel on the same work, and reports times, overhead, memory per rank,
// communication, balance and error. Progress goes to the `progress` callback (stderr in the CLI).
import { UsageError } from '../core/index.ts';
import { openGpu, type AdapterChoice, type Gpu } from '../kernels/index.ts';
import { createSingleDevice, type SingleDevice } from './baseline.ts';
import { compareArrays, denseSpotCheck, sampleRows, type DenseSpotCheck, type ErrorFigure } from './check.ts';
import { summarizePass, type PassSummary, type StepRecord } from './commlog.ts';
import { validateRingShape, type RingLayoutKind } from './layout.ts';
import { createRingAttention, type RankMemory, type RingAttention } from './ring.ts';
import { imbalance, rankWork, type RankWork } from './schedule.ts';
import { TRANSPORT_MODES, type LinkShape, type RingTransport, type TransportMode } from './transport.ts';
import { createSharedTransport } from './transport-shared.ts';
import { openIsolatedTransport } from './transport-isolated.ts';

export interface RingBenchOptions {
  readonly seqLen: number;
  readonly ranks: number;
  readonly layout: string;
  readonly mode: string;
  readonly heads: number;
  readonly headDim: number;
  readonly causal: boolean;
  readonly reps: number;
  readonly warmup: number;
  readonly baseline: boolean;
  readonly checkRows: number;
  readonly seed: number;
  readonly link?: LinkShape;
  readonly adapter?: AdapterChoice;
}

/** Milliseconds of repeated runs: median and spread. */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

export interface RingBenchResult {
  readonly config: Omit<RingBenchOptions, 'adapter'> & { readonly layout: RingLayoutKind; readonly mode: TransportMode };
  readonly adapter: string;
  readonly ring: { readonly forward: Timing; readonly backward: Timing };
  readonly singleDevice?: { readonly forward: Timing; readonly backward: Timing; readonly bytes: number };
  /** ring median / single-device median − 1, in percent. */
  readonly overheadPct?: { readonly forward: number; readonly backward: number; readonly total: number };
  readonly memory: { readonly perRank: readonly RankMemory[]; readonly maxPeakBytes: number };
  readonly communication: { readonly forward: PassSummary; readonly backward: PassSummary; readonly bytesMoved: number };
  readonly balance: {
    readonly perRank: readonly RankWork[];
    /** max/mean of computed score pairs per rank (what the kernels run). */
    readonly imbalance: number;
    /** max/mean of unmasked score pairs per rank. */
    readonly unmaskedImbalance: number;
    /** unmasked / computed score pairs over all ranks (1 = no masked work dispatched). */
    readonly efficiency: number;
  };
  readonly error: {
    readonly vsSingleDevice?: Readonly<Record<'o' | 'lse' | 'dq' | 'dk' | 'dv', ErrorFigure>>;
    readonly vsDenseSampledRows: DenseSpotCheck;
  };
  /** Last timed run's log rows, forward then backward. */
  readonly steps: readonly StepRecord[];
}

type Progress = (line: string) => void;

function checkOptions(o: RingBenchOptions): { layout: RingLayoutKind; mode: TransportMode } {
  const layout = validateRingShape(o.seqLen, o.ranks, o.layout);
  const mode = TRANSPORT_MODES.find((m) => m === o.mode);
  if (!mode) throw new UsageError('RING_MODE', `--mode '${o.mode}' is unknown; expected one of ${TRANSPORT_MODES.join(', ')}`);
  for (const [flag, v, min] of [['--reps', o.reps, 1], ['--warmup', o.warmup, 0], ['--check-rows', o.checkRows, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new UsageError('RING_FLAG', `${flag} must be an integer >= ${min}, got ${v}`);
  }
  return { layout, mode };
}

/** Seeded values in [-1, 1) (LCG): the same inputs for every run with the same --seed. */
export function seededValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function repeat(label: string, o: RingBenchOptions, progress: Progress, run: () => Promise<number>): Promise<Timing> {
  for (let i = 0; i < o.warmup; i++) progress(`${label}: warm-up ${i + 1}/${o.warmup} ${(await run()).toFixed(0)} ms`);
  const times: number[] = [];
  for (let i = 0; i < o.reps; i++) {
    times.push(await run());
    progress(`${label}: run ${i + 1}/${o.reps} ${times.at(-1)?.toFixed(0)} ms`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { medianMs: median, minMs: sorted[0] ?? 0, maxMs: sorted.at(-1) ?? 0, runs: times.length };
}

async function openTransport(mode: TransportMode, o: RingBenchOptions): Promise<{ transport: RingTransport; gpu: Gpu; close: () => void }> {
  if (mode === 'isolated') {
    const transport = await openIsolatedTransport(o.ranks, { ...(o.adapter ? { adapter: o.adapter } : {}), ...(o.link ? { link: o.link } : {}) });
    return { transport, gpu: transport.gpu(0), close: () => transport.destroy() };
  }
  const gpu = await openGpu(o.adapter ?? {});
  return { transport: createSharedTransport(gpu, o.ranks), gpu, close: () => gpu.destroy() };
}

interface RingRunOutput {
  readonly forward: Timing;
  readonly backward: Timing;
  readonly steps: StepRecord[];
  readonly results: Awaited<ReturnType<RingAttention['readOutput']>> & Awaited<ReturnType<RingAttention['readGrads']>>;
}

async function runRing(ring: RingAttention, o: RingBenchOptions, x: Inputs, progress: Progress): Promise<RingRunOutput> {
  ring.load(x);
  let fwdLog: StepRecord[] = [];
  let bwdLog: StepRecord[] = [];
  const forward = await repeat('ring forward', o, progress, async () => {
    const t0 = performance.now();
    fwdLog = await ring.forward();
    return performance.now() - t0;
  });
  ring.loadGrad(x.dO);
  const backward = await repeat('ring backward', o, progress, async () => {
    const t0 = performance.now();
    bwdLog = await ring.backward();
    return performance.now() - t0;
  });
  const results = { ...(await ring.readOutput()), ...(await ring.readGrads()) };
  return { forward, backward, steps: [...fwdLog, ...bwdLog], results };
}

interface Inputs {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly dO: Float32Array;
}

function inputs(o: RingBenchOptions): Inputs {
  const n = o.seqLen * o.heads * o.headDim;
  return { q: seededValues(n, o.seed), k: seededValues(n, o.seed + 1), v: seededValues(n, o.seed + 2), dO: seededValues(n, o.seed + 3) };
}

async function runSingle(single: SingleDevice, o: RingBenchOptions, progress: Progress) {
  const forward = await repeat('single-device forward', o, progress, () => single.forward());
  const backward = await repeat('single-device backward', o, progress, () => single.backward());
  return { forward, backward, results: await single.read() };
}

function pct(ring: number, single: number): number {
  return (ring / single - 1) * 100;
}

function balanceOf(ring: RingAttention): RingBenchResult['balance'] {
  const perRank = rankWork(ring.plans);
  const computed = perRank.reduce((s, w) => s + w.computedScores, 0);
  const unmasked = perRank.reduce((s, w) => s + w.unmaskedScores, 0);
  return {
    perRank,
    imbalance: imbalance(perRank.map((w) => w.computedScores)),
    unmaskedImbalance: imbalance(perRank.map((w) => w.unmaskedScores)),
    efficiency: computed === 0 ? 1 : unmasked / computed,
  };
}

function communicationOf(steps: readonly StepRecord[]): RingBenchResult['communication'] {
  const forward = summarizePass('forward', steps);
  const backward = summarizePass('backward', steps);
  return { forward, backward, bytesMoved: forward.bytesMoved + backward.bytesMoved };
}

/** Runs the whole measurement; closes every device it opened. */
export async function measureRing(o: RingBenchOptions, progress: Progress): Promise<RingBenchResult> {
  const { layout, mode } = checkOptions(o);
  const x = inputs(o);
  const { transport, gpu, close } = await openTransport(mode, o);
  try {
    progress(`ring: T=${o.seqLen} R=${o.ranks} ${layout} ${mode} H=${o.heads} D=${o.headDim} ${o.causal ? 'causal' : 'full'} on ${gpu.adapter.description || gpu.adapter.device}`);
    const ring = await createRingAttention(transport, { ...o, layout });
    const [r, memory, balance] = await runRing(ring, o, x, progress)
      .then((run) => [run, ring.memory(), balanceOf(ring)] as const)
      .finally(() => ring.destroy());
    const single = o.baseline ? await measureSingle(gpu, o, x, progress) : undefined;
    progress(`ring: dense f64 check on ${Math.min(o.checkRows, o.seqLen)} sampled query rows`);
    const shape = { T: o.seqLen, H: o.heads, D: o.headDim, causal: o.causal };
    const { adapter: _adapter, ...config } = o;
    return {
      config: { ...config, layout, mode },
      adapter: gpu.adapter.description || `${gpu.adapter.vendor} ${gpu.adapter.device}`,
      ring: { forward: r.forward, backward: r.backward },
      ...(single ? singleFigures(single, r) : {}),
      memory: { perRank: memory, maxPeakBytes: Math.max(...memory.map((m) => m.peakBytes)) },
      communication: communicationOf(r.steps),
      balance,
      error: {
        ...(single ? { vsSingleDevice: compareAll(r.results, single.results) } : {}),
        vsDenseSampledRows: denseSpotCheck(shape, x, r.results, sampleRows(o.seqLen, o.checkRows)),
      },
      steps: r.steps,
    };
  } finally {
    close();
  }
}

async function measureSingle(gpu: Gpu, o: RingBenchOptions, x: Inputs, progress: Progress) {
  const single = await createSingleDevice(gpu, o, x);
  try {
    return { ...(await runSingle(single, o, progress)), bytes: single.bytes };
  } finally {
    single.destroy();
  }
}

type SingleRun = Awaited<ReturnType<typeof measureSingle>>;

function singleFigures(single: SingleRun, r: RingRunOutput): Pick<RingBenchResult, 'singleDevice' | 'overheadPct'> {
  const ringTotal = r.forward.medianMs + r.backward.medianMs;
  const singleTotal = single.forward.medianMs + single.backward.medianMs;
  return {
    singleDevice: { forward: single.forward, backward: single.backward, bytes: single.bytes },
    overheadPct: {
      forward: pct(r.forward.medianMs, single.forward.medianMs),
      backward: pct(r.backward.medianMs, single.backward.medianMs),
      total: pct(ringTotal, singleTotal),
    },
  };
}

function compareAll(ring: RingRunOutput['results'], single: SingleRun['results']): Record<'o' | 'lse' | 'dq' | 'dk' | 'dv', ErrorFigure> {
  return {
    o: compareArrays(ring.o, single.o),
    lse: compareArrays(ring.lse, single.lse),
    dq: compareArrays(ring.dq, single.dq),
    dk: compareArrays(ring.dk, single.dk),
    dv: compareArrays(ring.dv, single.dv),
  };
}
