// `bench ring --transport process`: the ring with every rank in its own process and device. Without
// --rank it launches R local ranks (each runs `bench ring --rank r …` and prints its timings and log
// as JSON), merges what they measured, then measures the same passes in shared mode in this process
// for the overhead. The ring's exactness over processes is proven by the test suite
// (test/ring/ring-across-processes-matches-dense.test.ts); this command measures.
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dropDawnInfo, median, seededF32, UsageError } from '../../core/index.ts';
import {
  createRingAttention,
  launchRanks,
  openProcessTransport,
  parseRendezvousUrl,
  startLocalRedis,
  summarizePass,
  validateRingShape,
  type PassSummary,
  type ProcessJoin,
  type RankExit,
  type RankMemory,
  type StepRecord,
} from '../../ring/index.ts';
import { measureRing, type RingBenchOptions } from './measure.ts';
import { timingOf, type Timing } from './timing.ts';

const BIN = fileURLToPath(new URL('../../../bin/bench.mjs', import.meta.url));
const RENDEZVOUS_ENV = 'WATTRING_RENDEZVOUS';

/** What one rank measured (its stdout with --json). */
export interface RankMeasurement {
  readonly rank: number;
  readonly forwardMs: readonly number[];
  readonly backwardMs: readonly number[];
  /** The rank process's CPU ms (user + system, all threads) per timed round: on a CPU adapter, the
   *  rank's share of the work itself, far less disturbed by other processes than wall time. */
  readonly forwardCpuMs: readonly number[];
  readonly backwardCpuMs: readonly number[];
  readonly steps: readonly StepRecord[];
  readonly memory: RankMemory;
}

export interface ProcessRingResult {
  readonly config: Omit<RingBenchOptions, 'adapter'> & { readonly mode: 'process' };
  /** Wall: per round, the slowest rank; CPU: per round, the sum over the ranks' processes. */
  readonly ring: PassTimes;
  readonly shared?: PassTimes;
  /** process / shared − 1 of the medians, percent: wall-clock, and process CPU time. */
  readonly overheadVsSharedPct?: Overhead;
  readonly cpuOverheadVsSharedPct?: Overhead;
  readonly memory: { readonly perRank: readonly RankMemory[]; readonly maxPeakBytes: number };
  readonly communication: {
    readonly forward: PassSummary;
    readonly backward: PassSummary;
    readonly bytesMoved: number;
  };
  readonly steps: readonly StepRecord[];
}

interface PassTimes {
  readonly forward: Timing;
  readonly backward: Timing;
  readonly forwardCpu: Timing;
  readonly backwardCpu: Timing;
}

interface Overhead {
  readonly forward: number;
  readonly backward: number;
  readonly total: number;
}

/** One rank's part: joins the run, times forward and backward passes on its rows, returns its figures. */
export async function measureRank(o: RingBenchOptions, join: ProcessJoin): Promise<RankMeasurement> {
  const layout = validateRingShape(o.seqLen, o.ranks, o.layout, {
    seqLen: '--seq-len',
    ranks: '--ranks',
    layout: '--layout',
  });
  const transport = await openProcessTransport({ ...join, ...(o.adapter ? { adapter: o.adapter } : {}) });
  let failure: unknown;
  try {
    const ring = await createRingAttention(transport, { ...o, layout });
    const n = o.seqLen * o.heads * o.headDim;
    ring.load({ q: seededF32(n, o.seed), k: seededF32(n, o.seed + 1), v: seededF32(n, o.seed + 2) });
    const timed = async (
      run: () => Promise<StepRecord[]>,
    ): Promise<{ ms: number[]; cpuMs: number[]; log: StepRecord[] }> => {
      const ms: number[] = [];
      const cpuMs: number[] = [];
      let log: StepRecord[] = [];
      for (let i = 0; i < o.warmup + o.reps; i++) {
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        log = await run();
        const cpu = process.cpuUsage(cpu0);
        if (i < o.warmup) continue;
        ms.push(performance.now() - t0);
        cpuMs.push((cpu.user + cpu.system) / 1e3);
      }
      return { ms, cpuMs, log };
    };
    const fwd = await timed(() => ring.forward());
    ring.loadGrad(seededF32(n, o.seed + 3));
    const bwd = await timed(() => ring.backward());
    const memory = ring.memory()[0];
    ring.destroy();
    if (!memory) throw new Error('ring has no local rank');
    return {
      rank: join.rank,
      forwardMs: fwd.ms,
      backwardMs: bwd.ms,
      forwardCpuMs: fwd.cpuMs,
      backwardCpuMs: bwd.cpuMs,
      steps: [...fwd.log, ...bwd.log],
      memory,
    };
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await transport.close(failure === undefined ? undefined : String(failure));
  }
}

/** The flags a rank process needs to measure what the launcher was asked for. */
function rankArgs(o: RingBenchOptions, passthrough: readonly string[]): string[] {
  return [
    'ring',
    ...['--seq-len', String(o.seqLen), '--ranks', String(o.ranks), '--layout', o.layout, '--mode', 'process'],
    ...['--heads', String(o.heads), '--head-dim', String(o.headDim), o.causal ? '--causal' : '--no-causal'],
    ...['--reps', String(o.reps), '--warmup', String(o.warmup), '--seed', String(o.seed), '--json'],
    ...(o.link?.bandwidthGBps !== undefined ? ['--bandwidth-gbps', String(o.link.bandwidthGBps)] : []),
    ...(o.link?.latencyUs !== undefined ? ['--latency-us', String(o.link.latencyUs)] : []),
    ...passthrough,
  ];
}

/** A rank's stdout: the RankMeasurement it wrote with JSON.stringify a moment ago (same build). */
function parseRank(stdout: string, rank: number): RankMeasurement {
  if (!stdout.trim().startsWith('{')) throw new Error(`rank ${rank} printed no measurement`);
  const m: RankMeasurement = JSON.parse(stdout);
  return m;
}

/** Each timed round of the whole ring ends when its slowest rank does. */
function slowest(ranks: readonly RankMeasurement[], pick: (r: RankMeasurement) => readonly number[]): number[] {
  const rounds = Math.min(...ranks.map((r) => pick(r).length));
  return Array.from({ length: rounds }, (_, i) => Math.max(...ranks.map((r) => pick(r)[i] ?? Number.NaN)));
}

/** Each timed round's CPU time of the whole ring: what every rank process used in it. */
function summed(ranks: readonly RankMeasurement[], pick: (r: RankMeasurement) => readonly number[]): number[] {
  const rounds = Math.min(...ranks.map((r) => pick(r).length));
  return Array.from({ length: rounds }, (_, i) => ranks.reduce((n, r) => n + (pick(r)[i] ?? Number.NaN), 0));
}

function overheadOf(a: { forward: number[]; backward: number[] }, b: PassTimes, cpu: boolean): Overhead {
  const fwd = cpu ? b.forwardCpu : b.forward;
  const bwd = cpu ? b.backwardCpu : b.backward;
  const pct = (x: number, y: number): number => 100 * (x / y - 1);
  return {
    forward: pct(median(a.forward), fwd.medianMs),
    backward: pct(median(a.backward), bwd.medianMs),
    total: pct(median(a.forward) + median(a.backward), fwd.medianMs + bwd.medianMs),
  };
}

export interface LaunchFlags {
  readonly rendezvous: string | undefined;
  readonly runId: string | undefined;
  readonly loopbackHosts: boolean;
  readonly adapter: string | undefined;
}

/** Launches R local ranks, merges their figures, and measures shared mode for the overhead. */
export async function measureRingProcesses(
  o: RingBenchOptions,
  f: LaunchFlags,
  progress: (line: string) => void,
): Promise<ProcessRingResult> {
  validateRingShape(o.seqLen, o.ranks, o.layout, { seqLen: '--seq-len', ranks: '--ranks', layout: '--layout' });
  const runId = f.runId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const given = f.rendezvous ?? process.env[RENDEZVOUS_ENV];
  const redis = given ? { url: parseRendezvousUrl(given), stop: async () => {} } : await startLocalRedis();
  let exits: RankExit[];
  try {
    progress(`ring: launching ${o.ranks} rank processes, run id ${runId}`);
    const base = rankArgs(o, f.adapter ? ['--adapter', f.adapter] : []);
    exits = await launchRanks({
      world: o.ranks,
      argv: (r) => [
        BIN,
        ...base,
        ...['--rank', String(r), '--world', String(o.ranks), '--run-id', runId],
        ...(f.loopbackHosts ? ['--host', `127.0.0.${r + 1}`] : []),
      ],
      env: { ...process.env, [RENDEZVOUS_ENV]: redis.url.toString(), WATTRING_STDERR_RELAYED: '1' },
      onLine: (r, line) => {
        const kept = dropDawnInfo(`${line}\n`);
        if (kept) process.stderr.write(`[rank ${r}] ${kept}`);
      },
    });
  } finally {
    await redis.stop();
  }
  const failed = exits.find((e) => e.code !== 0);
  if (failed)
    throw new UsageError(
      'RING_RANK_FAILED',
      `rank ${failed.rank} ended with ${failed.signal ?? `exit ${failed.code}`}: ${failed.lastLines.join(' | ')}`,
    );
  const ranks = exits.map((e) => parseRank(e.stdout, e.rank));
  const steps = ranks.flatMap((r) => r.steps);
  const forward = summarizePass('forward', steps);
  const backward = summarizePass('backward', steps);
  const wall = { forward: slowest(ranks, (r) => r.forwardMs), backward: slowest(ranks, (r) => r.backwardMs) };
  const cpu = { forward: summed(ranks, (r) => r.forwardCpuMs), backward: summed(ranks, (r) => r.backwardCpuMs) };
  const ring: PassTimes = {
    forward: timingOf(wall.forward),
    backward: timingOf(wall.backward),
    forwardCpu: timingOf(cpu.forward),
    backwardCpu: timingOf(cpu.backward),
  };
  const memory = ranks.map((r) => r.memory);
  const { adapter: _a, ...config } = o;
  const base = {
    config: { ...config, mode: 'process' as const },
    ring,
    memory: { perRank: memory, maxPeakBytes: Math.max(...memory.map((m) => m.peakBytes)) },
    communication: { forward, backward, bytesMoved: forward.bytesMoved + backward.bytesMoved },
    steps,
  };
  if (!o.baseline) return base;
  progress('ring: the same passes in shared mode (one device, this process) for the overhead');
  const { link: _link, ...unshaped } = o;
  const shared = (await measureRing({ ...unshaped, mode: 'shared', baseline: false }, progress)).ring;
  return {
    ...base,
    shared,
    overheadVsSharedPct: overheadOf(wall, shared, false),
    cpuOverheadVsSharedPct: overheadOf(cpu, shared, true),
  };
}
