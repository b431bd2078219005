// `bench ring`'s measurement: runs the ring forward and backward on seeded inputs, alternating
// with the single-device blockwise kernel on the same work, and reports times, overhead, memory
// per rank, communication, balance and error. Progress goes to `progress` (stderr in the CLI).
import { seededF32, UsageError } from '../../core/index.ts';
import { openGpu, type AdapterChoice, type FeatureReport, type Gpu } from '../../kernels/index.ts';
import { createSingleDevice, type SingleDevice } from './baseline.ts';
import {
  compareArrays,
  denseSpotCheck,
  sampleRows,
  type DenseSpotCheck,
  type ErrorFigure,
  type HostTensors as Inputs,
} from './check.ts';
import {
  createRingAttention,
  createSharedTransport,
  imbalance,
  type LinkShape,
  openIsolatedTransport,
  type PassSummary,
  type RankMemory,
  rankWork,
  type RankWork,
  type RingAttention,
  type RingLayoutKind,
  type RingTransport,
  type StepRecord,
  summarizePass,
  TRANSPORT_MODES,
  type TransportMode,
  validateRingShape,
} from '../../ring/index.ts';
import { alternate, overheadOf, timingOf, type Alternated, type Timing } from './timing.ts';

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

type Grads = 'o' | 'lse' | 'dq' | 'dk' | 'dv';
type HostResults = Record<Grads, Float32Array>;

export interface RingBenchResult {
  readonly config: Omit<RingBenchOptions, 'adapter'> & {
    readonly layout: RingLayoutKind;
    readonly mode: TransportMode;
  };
  readonly adapter: string;
  /** What `--features` asked for and got (absent without the flag). */
  readonly features?: FeatureReport;
  /** Wall-clock times, and process CPU times (the work itself on a CPU adapter). */
  readonly ring: PassTimes;
  readonly singleDevice?: PassTimes & { readonly bytes: number };
  /** Percent, from wall-clock times. */
  readonly overheadPct?: OverheadPct;
  /** Percent, from process CPU times (meaningful on CPU adapters such as llvmpipe). */
  readonly cpuOverheadPct?: OverheadPct;
  readonly memory: { readonly perRank: readonly RankMemory[]; readonly maxPeakBytes: number };
  readonly communication: {
    readonly forward: PassSummary;
    readonly backward: PassSummary;
    readonly bytesMoved: number;
  };
  readonly balance: {
    readonly perRank: readonly RankWork[];
    /** max/mean of computed score pairs per rank (what the kernels are dispatched on). */
    readonly imbalance: number;
    /** max/mean of unmasked score pairs per rank. */
    readonly unmaskedImbalance: number;
    /** unmasked / computed score pairs over all ranks (1 = no masked work dispatched). */
    readonly efficiency: number;
  };
  readonly error: {
    readonly vsSingleDevice?: Readonly<Record<Grads, ErrorFigure>>;
    readonly vsDenseSampledRows: DenseSpotCheck;
  };
  /** Last timed run's log rows, forward then backward. */
  readonly steps: readonly StepRecord[];
}

export interface PassTimes {
  readonly forward: Timing;
  readonly backward: Timing;
  readonly forwardCpu: Timing;
  readonly backwardCpu: Timing;
}

/** ring / single − 1 in percent, from the medians, and the median of per-round (alternated) ratios. */
export interface OverheadPct {
  readonly forward: number;
  readonly backward: number;
  readonly total: number;
  readonly pairedForward: number;
  readonly pairedBackward: number;
}

type Progress = (line: string) => void;

function checkOptions(o: RingBenchOptions): { layout: RingLayoutKind; mode: TransportMode } {
  const layout = validateRingShape(o.seqLen, o.ranks, o.layout, {
    seqLen: '--seq-len',
    ranks: '--ranks',
    layout: '--layout',
  });
  const mode = TRANSPORT_MODES.find((m) => m === o.mode);
  if (!mode)
    throw new UsageError('RING_MODE', `--mode '${o.mode}' is unknown; expected one of ${TRANSPORT_MODES.join(', ')}`);
  if (mode === 'process')
    throw new UsageError(
      'RING_MODE',
      'measureRing runs every rank in this process; --mode process is measureRingProcesses',
    );
  for (const [flag, v, min] of [
    ['--reps', o.reps, 1],
    ['--warmup', o.warmup, 0],
    ['--check-rows', o.checkRows, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new UsageError('RING_FLAG', `${flag} must be an integer >= ${min}, got ${v}`);
  }
  return { layout, mode };
}

function inputs(o: RingBenchOptions): Inputs {
  const n = o.seqLen * o.heads * o.headDim;
  return {
    q: seededF32(n, o.seed),
    k: seededF32(n, o.seed + 1),
    v: seededF32(n, o.seed + 2),
    dO: seededF32(n, o.seed + 3),
  };
}

async function openTransport(
  mode: TransportMode,
  o: RingBenchOptions,
): Promise<{ transport: RingTransport; gpu: Gpu; close: () => void }> {
  if (mode === 'isolated') {
    const transport = await openIsolatedTransport(o.ranks, {
      ...(o.adapter ? { adapter: o.adapter } : {}),
      ...(o.link ? { link: o.link } : {}),
    });
    return { transport, gpu: transport.gpu(0), close: () => transport.destroy() };
  }
  const gpu = await openGpu(o.adapter ?? {});
  return { transport: createSharedTransport(gpu, o.ranks), gpu, close: () => gpu.destroy() };
}

interface Measured {
  readonly forward: Alternated;
  readonly backward: Alternated;
  readonly steps: StepRecord[];
  readonly ring: HostResults;
  readonly single?: HostResults;
}

/** Forward rounds, then backward rounds, ring and single device alternating; then reads results. */
async function measurePasses(
  ring: RingAttention,
  single: SingleDevice | undefined,
  o: RingBenchOptions,
  x: Inputs,
  progress: Progress,
): Promise<Measured> {
  ring.load(x);
  let fwdLog: StepRecord[] = [];
  let bwdLog: StepRecord[] = [];
  const clock = (run: () => Promise<StepRecord[]>, keep: (log: StepRecord[]) => void) => async (): Promise<number> => {
    const t0 = performance.now();
    keep(await run());
    return performance.now() - t0;
  };
  const forward = await alternate(
    'forward',
    o,
    clock(
      () => ring.forward(),
      (l) => (fwdLog = l),
    ),
    single?.forward,
    progress,
  );
  ring.loadGrad(x.dO);
  const backward = await alternate(
    'backward',
    o,
    clock(
      () => ring.backward(),
      (l) => (bwdLog = l),
    ),
    single?.backward,
    progress,
  );
  const results = { ...(await ring.readOutput()), ...(await ring.readGrads()) };
  return {
    forward,
    backward,
    steps: [...fwdLog, ...bwdLog],
    ring: results,
    ...(single ? { single: await single.read() } : {}),
  };
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

const sumRounds = (a: readonly number[], b: readonly number[]): number[] => a.map((x, i) => x + (b[i] ?? Number.NaN));

function overheadFigures(m: Measured, cpu: boolean): OverheadPct {
  const pick = (a: Alternated): [number[], number[]] => (cpu ? [a.ringCpu, a.singleCpu] : [a.ring, a.single]);
  const [fr, fs] = pick(m.forward);
  const [br, bs] = pick(m.backward);
  const fwd = overheadOf(fr, fs);
  const bwd = overheadOf(br, bs);
  return {
    forward: fwd.ofMedians,
    backward: bwd.ofMedians,
    total: overheadOf(sumRounds(fr, br), sumRounds(fs, bs)).ofMedians,
    pairedForward: fwd.paired,
    pairedBackward: bwd.paired,
  };
}

function singleFigures(
  m: Measured,
  bytes: number,
): Pick<RingBenchResult, 'singleDevice' | 'overheadPct' | 'cpuOverheadPct'> {
  return {
    singleDevice: {
      forward: timingOf(m.forward.single),
      backward: timingOf(m.backward.single),
      forwardCpu: timingOf(m.forward.singleCpu),
      backwardCpu: timingOf(m.backward.singleCpu),
      bytes,
    },
    overheadPct: overheadFigures(m, false),
    cpuOverheadPct: overheadFigures(m, true),
  };
}

function compareAll(ring: HostResults, single: HostResults): Record<Grads, ErrorFigure> {
  return {
    o: compareArrays(ring.o, single.o),
    lse: compareArrays(ring.lse, single.lse),
    dq: compareArrays(ring.dq, single.dq),
    dk: compareArrays(ring.dk, single.dk),
    dv: compareArrays(ring.dv, single.dv),
  };
}

/** Runs the whole measurement; frees every buffer and device it opened. */
export async function measureRing(o: RingBenchOptions, progress: Progress): Promise<RingBenchResult> {
  const { layout, mode } = checkOptions(o);
  const x = inputs(o);
  const { transport, gpu, close } = await openTransport(mode, o);
  let ring: RingAttention | undefined;
  let single: SingleDevice | undefined;
  try {
    const adapter = gpu.adapter.description || `${gpu.adapter.vendor} ${gpu.adapter.device}`;
    progress(
      `ring: T=${o.seqLen} R=${o.ranks} ${layout} ${mode} H=${o.heads} D=${o.headDim} ` +
        `${o.causal ? 'causal' : 'full'} on ${adapter}`,
    );
    ring = await createRingAttention(transport, { ...o, layout });
    single = o.baseline ? await createSingleDevice(gpu, o, x) : undefined;
    const m = await measurePasses(ring, single, o, x, progress);
    progress(`ring: dense f64 check on ${Math.min(o.checkRows, o.seqLen)} sampled query rows`);
    const memory = ring.memory();
    const { adapter: _choice, ...config } = o;
    return {
      config: { ...config, layout, mode },
      adapter,
      ...(gpu.features.requested.length ? { features: gpu.features } : {}),
      ring: {
        forward: timingOf(m.forward.ring),
        backward: timingOf(m.backward.ring),
        forwardCpu: timingOf(m.forward.ringCpu),
        backwardCpu: timingOf(m.backward.ringCpu),
      },
      ...(single ? singleFigures(m, single.bytes) : {}),
      memory: { perRank: memory, maxPeakBytes: Math.max(...memory.map((r) => r.peakBytes)) },
      communication: communicationOf(m.steps),
      balance: balanceOf(ring),
      error: {
        ...(m.single ? { vsSingleDevice: compareAll(m.ring, m.single) } : {}),
        vsDenseSampledRows: denseSpotCheck(
          { T: o.seqLen, H: o.heads, D: o.headDim, causal: o.causal },
          x,
          m.ring,
          sampleRows(o.seqLen, o.checkRows),
        ),
      },
      steps: m.steps,
    };
  } finally {
    ring?.destroy();
    single?.destroy();
    close();
  }
}
