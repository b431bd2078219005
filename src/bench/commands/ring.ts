// `bench ring`: exact ring attention over R simulated devices at T = 8,760 — forward/backward
// times, overhead against the single-device kernel, memory per rank, bytes moved, overlap, balance
// and error. Table on stderr, JSON on stdout with --json.
import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../../core/index.ts';
import { formatFeatureReport } from '../../kernels/index.ts';
import { parseRendezvousUrl, RING_LAYOUTS, TRANSPORT_MODES } from '../../ring/index.ts';
import { measureRing, type RingBenchOptions, type RingBenchResult } from '../ring/measure.ts';
import { measureRank, measureRingProcesses, type ProcessRingResult } from '../ring/process.ts';
import { defineCommand } from '../command.ts';
import { adapterChoice, FEATURES_OPTION } from '../features-flag.ts';
import { withProcessFlags } from '../process-flags.ts';

interface RingArgs {
  'seq-len': number;
  ranks: number;
  layout: string;
  mode: string;
  heads: number;
  'head-dim': number;
  causal: boolean;
  reps: number;
  warmup: number;
  baseline: boolean;
  'check-rows': number;
  seed: number;
  'bandwidth-gbps': number | undefined;
  'latency-us': number | undefined;
  adapter: string | undefined;
  backend: string | undefined;
  features: string | undefined;
  rank: number | undefined;
  world: number | undefined;
  rendezvous: string | undefined;
  'run-id': string | undefined;
  host: string | undefined;
  'loopback-hosts': boolean;
}

function options(y: Argv) {
  return withProcessFlags(y, 'measure as this rank')
    .option('seq-len', { type: 'number', default: 8760, describe: 'Sequence length T (hours)' })
    .option('ranks', { type: 'number', default: 4, describe: 'Simulated devices R (1 <= R <= T)' })
    .option('layout', { type: 'string', default: 'zigzag', describe: `Rows per rank: ${RING_LAYOUTS.join(' | ')}` })
    .option('mode', {
      alias: 'transport',
      type: 'string',
      default: 'shared',
      describe:
        `Transport: ${TRANSPORT_MODES.join(' | ')} ` +
        '(isolated = one device per rank, host-staged; process = one process per rank)',
    })
    .option('heads', { type: 'number', default: 4, describe: 'Attention heads H' })
    .option('head-dim', { type: 'number', default: 32, describe: 'Head size D (multiple of 4, <= 128)' })
    .option('causal', { type: 'boolean', default: true, describe: 'Causal mask (--no-causal for full attention)' })
    .option('reps', { type: 'number', default: 2, describe: 'Timed runs of each pass (median reported)' })
    .option('warmup', {
      type: 'number',
      default: 1,
      describe:
        'Untimed runs of each pass before timing (the CPU Vulkan driver JIT-compiles shaders on first dispatch)',
    })
    .option('baseline', {
      type: 'boolean',
      default: true,
      describe: 'Also run the single-device blockwise kernel (overhead, error vs it); --no-baseline skips it',
    })
    .option('check-rows', {
      type: 'number',
      default: 8,
      describe: 'Query rows checked against the f64 dense reference (O, lse, dQ)',
    })
    .option('seed', { type: 'number', default: 1, describe: 'Seed of the random Q, K, V, dO' })
    .option('bandwidth-gbps', {
      type: 'number',
      describe: 'isolated mode: shape each transfer to this link bandwidth (GB/s)',
    })
    .option('latency-us', { type: 'number', describe: 'isolated mode: add this link latency per transfer (µs)' })
    .option('adapter', { type: 'string', describe: 'WebGPU adapter name substring (see bench adapters)' })
    .option('backend', { type: 'string', describe: 'Dawn backend: vulkan, metal, d3d12, …' })
    .option('features', FEATURES_OPTION);
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const ms = (t: { medianMs: number; minMs: number; maxMs: number; runs: number }): string =>
  t.runs > 1
    ? `${t.medianMs.toFixed(0)} ms (min ${t.minMs.toFixed(0)}, max ${t.maxMs.toFixed(0)}, n=${t.runs})`
    : `${t.medianMs.toFixed(0)} ms`;

function passLine(label: string, r: RingBenchResult, pass: 'forward' | 'backward'): string {
  const cpu = pass === 'forward' ? 'forwardCpu' : 'backwardCpu';
  const ring = `ring ${ms(r.ring[pass])} (cpu ${ms(r.ring[cpu])})`;
  if (!r.singleDevice || !r.overheadPct || !r.cpuOverheadPct) return `  ${label} ${ring}`;
  const wallPct = pass === 'forward' ? r.overheadPct.forward : r.overheadPct.backward;
  const cpuPct = pass === 'forward' ? r.cpuOverheadPct.forward : r.cpuOverheadPct.backward;
  return (
    `  ${label} ${ring} | single device ${ms(r.singleDevice[pass])} (cpu ${ms(r.singleDevice[cpu])}) | ` +
    `overhead wall ${wallPct.toFixed(1)}%, cpu ${cpuPct.toFixed(1)}%`
  );
}

function overheadLine(r: RingBenchResult): string[] {
  const w = r.overheadPct;
  const c = r.cpuOverheadPct;
  if (!w || !c) return [];
  return [
    `  overhead fwd+bwd   wall ${w.total.toFixed(1)}%, cpu ${c.total.toFixed(1)}% (per alternated round, wall: fwd ` +
      `${w.pairedForward.toFixed(1)}%, bwd ${w.pairedBackward.toFixed(1)}%)`,
  ];
}

/** The human table (stderr). */
export function formatRingTable(r: RingBenchResult): string {
  const c = r.config;
  const comm = r.communication;
  const lines = [
    `ring attention  T=${c.seqLen} R=${c.ranks} layout=${c.layout} mode=${c.mode} H=${c.heads} D=${c.headDim} ` +
      `${c.causal ? 'causal' : 'full'}  [${r.adapter}]`,
    passLine('forward           ', r, 'forward'),
    passLine('backward          ', r, 'backward'),
    ...overheadLine(r),
    `  memory / rank      ` +
      `${r.memory.perRank.map((m) => mb(m.peakBytes)).join(', ')}` +
      `${r.singleDevice ? ` (single device ${mb(r.singleDevice.bytes)})` : ''}`,
    `  bytes moved        forward ${mb(comm.forward.bytesMoved)}, backward ${mb(comm.backward.bytesMoved)}`,
    `  overlap            forward ${(comm.forward.overlapFraction * 100).toFixed(1)}%, backward ` +
      `${(comm.backward.overlapFraction * 100).toFixed(1)}%; exposed ${comm.forward.exposedMs.toFixed(1)} + ` +
      `${comm.backward.exposedMs.toFixed(1)} ms`,
    `  load imbalance     ${r.balance.imbalance.toFixed(3)} (computed), ${r.balance.unmaskedImbalance.toFixed(3)} ` +
      `(unmasked); efficiency ${(r.balance.efficiency * 100).toFixed(1)}%`,
    ...errorLines(r),
  ];
  return `${lines.join('\n')}\n`;
}

function errorLines(r: RingBenchResult): string[] {
  const fig = (f: { maxAbsError: number; withinTolerance: boolean }): string =>
    `${f.maxAbsError.toExponential(2)}${f.withinTolerance ? '' : ' (!)'}`;
  const d = r.error.vsDenseSampledRows;
  const out = [`  error vs dense f64 (${d.rows.length} rows)  O ${fig(d.o)}  lse ${fig(d.lse)}  dQ ${fig(d.dq)}`];
  const s = r.error.vsSingleDevice;
  if (s)
    out.push(
      `  error vs single device   O ${fig(s.o)}  lse ${fig(s.lse)}  dQ ${fig(s.dq)}  dK ${fig(s.dk)}  dV ${fig(s.dv)}`,
    );
  return out;
}

export default defineCommand<RingArgs>({
  command: 'ring',
  describe:
    'Ring attention over R simulated devices: times, overhead vs one device, memory, communication, balance, error',
  builder: (y: Argv) =>
    options(y)
      .example('$0 ring --json', 'T=8760, R=4, zigzag, shared device, H=4, D=32, causal')
      .example('$0 ring --layout contiguous --no-baseline', 'shows the causal load imbalance of contiguous blocks')
      .example('$0 ring --mode isolated --bandwidth-gbps 16 --latency-us 5', 'one device per rank over a shaped link'),
  run: async (args) => {
    const link = {
      ...(args['bandwidth-gbps'] === undefined ? {} : { bandwidthGBps: args['bandwidth-gbps'] }),
      ...(args['latency-us'] === undefined ? {} : { latencyUs: args['latency-us'] }),
    };
    const options = {
      seqLen: args['seq-len'],
      ranks: args.ranks,
      layout: args.layout,
      mode: args.mode,
      heads: args.heads,
      headDim: args['head-dim'],
      causal: args.causal,
      reps: args.reps,
      warmup: args.warmup,
      baseline: args.baseline,
      checkRows: args['check-rows'],
      seed: args.seed,
      ...(Object.keys(link).length > 0 ? { link } : {}),
      ...adapterChoice(args),
    };
    const progress = (line: string): void => void process.stderr.write(`${line}\n`);
    if (args.mode === 'process') return runProcess(args, options, progress);
    const result = await measureRing(options, progress);
    if (result.features) process.stderr.write(`${formatFeatureReport(result.features)}\n`);
    process.stderr.write(formatRingTable(result));
    if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return ExitCode.ok;
  },
});

/** --transport process: one rank's measurement (with --rank), or the launcher's merged figures. */
async function runProcess(
  args: RingArgs & { json: boolean },
  o: RingBenchOptions,
  progress: (line: string) => void,
): Promise<number> {
  if (args.rank !== undefined) {
    const world = args.world ?? args.ranks;
    const url = args.rendezvous ?? process.env['WATTRING_RENDEZVOUS'];
    if (!url || !args['run-id'])
      throw new UsageError('RING_FLAG', '--rank needs --rendezvous redis://HOST:PORT and --run-id ID');
    if (!Number.isInteger(args.rank) || args.rank < 0 || args.rank >= world || world !== args.ranks)
      throw new UsageError('RING_RANKS', `--rank ${args.rank} must be in 0..${world - 1}, and --world equal --ranks`);
    const join = {
      rank: args.rank,
      world,
      rendezvous: parseRendezvousUrl(url),
      runId: args['run-id'],
      ...(args.host ? { host: args.host } : {}),
      ...(o.link ? { link: o.link } : {}),
    };
    const m = await measureRank({ ...o, ranks: world }, join);
    if (args.json) process.stdout.write(`${JSON.stringify(m)}\n`);
    return ExitCode.ok;
  }
  const result = await measureRingProcesses(
    o,
    {
      rendezvous: args.rendezvous,
      runId: args['run-id'],
      loopbackHosts: args['loopback-hosts'],
      adapter: args.adapter,
    },
    progress,
  );
  process.stderr.write(formatProcessTable(result));
  if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return ExitCode.ok;
}

function formatProcessTable(r: ProcessRingResult): string {
  const c = r.config;
  const comm = r.communication;
  const vs = (pass: 'forward' | 'backward'): string =>
    r.shared && r.overheadVsSharedPct
      ? ` | shared mode ${ms(r.shared[pass])} | overhead ${r.overheadVsSharedPct[pass].toFixed(1)}%`
      : '';
  const lines = [
    `ring attention  T=${c.seqLen} R=${c.ranks} layout=${c.layout} mode=process H=${c.heads} D=${c.headDim}` +
      `${c.link ? ` link ${c.link.bandwidthGBps ?? '∞'} GB/s + ${c.link.latencyUs ?? 0} µs` : ''}`,
    `  forward           ring ${ms(r.ring.forward)} (slowest rank per round)${vs('forward')}`,
    `  backward          ring ${ms(r.ring.backward)} (slowest rank per round)${vs('backward')}`,
    ...(r.overheadVsSharedPct ? [`  overhead fwd+bwd  ${r.overheadVsSharedPct.total.toFixed(1)}% vs shared mode`] : []),
    `  cpu (all ranks)   forward ${ms(r.ring.forwardCpu)}, backward ${ms(r.ring.backwardCpu)}` +
      (r.shared && r.cpuOverheadVsSharedPct
        ? ` | shared mode ${ms(r.shared.forwardCpu)}, ${ms(r.shared.backwardCpu)} | ` +
          `overhead ${r.cpuOverheadVsSharedPct.forward.toFixed(1)}%, ${r.cpuOverheadVsSharedPct.backward.toFixed(1)}%`
        : ''),
    `  memory / rank     ${r.memory.perRank.map((m) => mb(m.peakBytes)).join(', ')}`,
    `  bytes moved       forward ${mb(comm.forward.bytesMoved)}, backward ${mb(comm.backward.bytesMoved)}`,
    `  transfers         forward ${comm.forward.transferMs.toFixed(1)} ms, ` +
      `backward ${comm.backward.transferMs.toFixed(1)} ms (sum over sends)`,
    `  overlap           forward ${(comm.forward.overlapFraction * 100).toFixed(1)}%, ` +
      `backward ${(comm.backward.overlapFraction * 100).toFixed(1)}%; ` +
      `exposed ${comm.forward.exposedMs.toFixed(1)} + ${comm.backward.exposedMs.toFixed(1)} ms`,
  ];
  return `${lines.join('\n')}\n`;
}
