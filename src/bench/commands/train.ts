// `bench train`: trains the forecaster on a feature store, sequence-parallel over R simulated
// devices; each step on stderr (llm.c style), checkpoints in the run folder, then the test-split
// evaluation against the baselines. Summary table on stderr, JSON on stdout with --json.
import type { Argv } from 'yargs';
import { ExitCode } from '../../core/index.ts';
import { RING_LAYOUTS, shownUrl, TRANSPORT_MODES, type TransportMode } from '../../ring/index.ts';
import {
  evaluationJson,
  forecastRun,
  formatEvaluationTable,
  train,
  TrainUsageError,
  writeSummary,
  type TrainOptions,
  type TrainResult,
} from '../../train/index.ts';
import { formatFeatureReport, type AdapterChoice } from '../../kernels/index.ts';
import { defineCommand } from '../command.ts';
import { adapterChoice, FEATURES_OPTION } from '../features-flag.ts';
import { withProcessFlags } from '../process-flags.ts';
import { TRAIN_FLAG_DEFAULTS as FLAGS, TRAIN_FULL as FULL, TRAIN_QUICK as QUICK } from '../train/presets.ts';
import { launchLocal, rankJoin, type ProcessFlags } from '../train/process.ts';

interface TrainArgs {
  store: string;
  out: string;
  'seq-len': number | undefined;
  ranks: number;
  layout: string;
  mode: string;
  layers: number | undefined;
  'd-model': number | undefined;
  heads: number | undefined;
  'mlp-ratio': number | undefined;
  'head-hidden': number | undefined;
  steps: number | undefined;
  epochs: number | undefined;
  batch: number | undefined;
  lr: number | undefined;
  warmup: number | undefined;
  'weight-decay': number;
  clip: number;
  seed: number;
  'checkpoint-every': number | undefined;
  'val-windows': number | undefined;
  resume: boolean;
  evaluate: boolean | undefined;
  quick: boolean;
  adapter: string | undefined;
  backend: string | undefined;
  features: string | undefined;
  rank: number | undefined;
  world: number | undefined;
  rendezvous: string | undefined;
  'run-id': string | undefined;
  host: string | undefined;
  'loopback-hosts': boolean;
  'bandwidth-gbps': number | undefined;
  'latency-us': number | undefined;
}

function options(y: Argv) {
  return withProcessFlags(y, 'join a run as this rank')
    .option('store', { type: 'string', demandOption: true, describe: 'Feature store folder (bench features --out)' })
    .option('out', {
      type: 'string',
      demandOption: true,
      describe: 'Run folder: checkpoints, run.json, summary.json, forecasts, plots',
    })
    .option('seq-len', {
      type: 'number',
      describe: `Hours per training window (default ${FULL.seqLen}; --quick ${QUICK.seqLen})`,
    })
    .option('ranks', {
      type: 'number',
      default: FLAGS.ranks,
      describe: 'Simulated devices R of the ring (sequence parallel)',
    })
    .option('layout', { type: 'string', default: FLAGS.layout, describe: `Rows per rank: ${RING_LAYOUTS.join(' | ')}` })
    .option('mode', {
      alias: 'transport',
      type: 'string',
      default: FLAGS.mode,
      describe: `Transport: ${TRANSPORT_MODES.join(' | ')} (process: one process and device per rank, docs/ring.md)`,
    })
    .option('layers', { type: 'number', describe: `Transformer blocks L (default ${FULL.layers})` })
    .option('d-model', { type: 'number', describe: `Model width (default ${FULL.dModel})` })
    .option('heads', {
      type: 'number',
      describe: `Attention heads (default ${FULL.heads}; head size d-model/heads, a multiple of 4)`,
    })
    .option('mlp-ratio', { type: 'number', describe: `MLP width / d-model (default ${FULL.mlpRatio})` })
    .option('head-hidden', {
      type: 'number',
      describe: `Width of the per-target-hour head that reads DF and the calendar (default ${FULL.headHidden})`,
    })
    .option('steps', { type: 'number', describe: `Optimiser steps (default ${FULL.steps} unless --epochs is given)` })
    .option('epochs', {
      type: 'number',
      describe: 'Passes over the train windows (sets --steps = ceil(epochs·windows/batch))',
    })
    .option('batch', { type: 'number', describe: `Windows per step, gradients accumulated (default ${FULL.batch})` })
    .option('lr', { type: 'number', describe: `Peak learning rate (default ${FULL.lr})` })
    .option('warmup', {
      type: 'number',
      describe: `Linear warm-up steps, then cosine decay to 0.1·lr (default ${FULL.warmup})`,
    })
    .option('weight-decay', { type: 'number', default: FLAGS.weightDecay, describe: 'AdamW decoupled weight decay' })
    .option('clip', { type: 'number', default: FLAGS.clip, describe: 'Global gradient-norm clip (0 = none)' })
    .option('seed', {
      type: 'number',
      default: FLAGS.seed,
      describe: 'Seed of the initialisation and the window order',
    })
    .option('checkpoint-every', {
      type: 'number',
      describe: `Checkpoint (and validation) every N steps, and at the end (default ${FULL.checkpointEvery})`,
    })
    .option('val-windows', {
      type: 'number',
      describe: `Validation windows scored at each checkpoint (default ${FULL.valWindows})`,
    })
    .option('resume', {
      type: 'boolean',
      default: false,
      describe: "Continue from the run folder's latest checkpoint (same flags and store)",
    })
    .option('evaluate', {
      type: 'boolean',
      describe: 'Forecast the test split at the end (default on; off with --quick)',
    })
    .option('quick', { type: 'boolean', default: false, describe: 'Tiny model and budget for CI and smoke tests' })
    .option('adapter', { type: 'string', describe: 'WebGPU adapter name substring (see bench adapters)' })
    .option('backend', { type: 'string', describe: 'Dawn backend: vulkan, metal, d3d12, …' })
    .option('features', FEATURES_OPTION)
    .option('bandwidth-gbps', {
      type: 'number',
      describe: '--transport process: emulated link bandwidth, GB/s per peer',
    })
    .option('latency-us', { type: 'number', describe: '--transport process: emulated link latency, µs per transfer' });
}

function trainOptions(a: TrainArgs): TrainOptions {
  const d = a.quick ? QUICK : FULL;
  if (!(TRANSPORT_MODES as readonly string[]).includes(a.mode)) {
    throw new TrainUsageError(
      'TRAIN_FLAG',
      `--mode '${a.mode}' is unknown; expected one of ${TRANSPORT_MODES.join(', ')}`,
    );
  }
  const mode = TRANSPORT_MODES.find((m): m is TransportMode => m === a.mode) ?? 'shared';
  const join = mode === 'process' ? rankJoin(processFlags(a), a.world ?? a.ranks) : undefined;
  return {
    ...(join ? { join } : {}),
    store: a.store,
    out: a.out,
    seqLen: a['seq-len'] ?? d.seqLen,
    ranks: a.world ?? a.ranks,
    layout: a.layout,
    mode,
    layers: a.layers ?? d.layers,
    dModel: a['d-model'] ?? d.dModel,
    heads: a.heads ?? d.heads,
    mlpRatio: a['mlp-ratio'] ?? d.mlpRatio,
    headHidden: a['head-hidden'] ?? d.headHidden,
    ...(a.steps !== undefined
      ? { steps: a.steps }
      : a.epochs !== undefined
        ? { epochs: a.epochs }
        : { steps: d.steps }),
    batch: a.batch ?? d.batch,
    lr: a.lr ?? d.lr,
    warmup: a.warmup ?? d.warmup,
    weightDecay: a['weight-decay'],
    clip: a.clip,
    seed: a.seed,
    checkpointEvery: a['checkpoint-every'] ?? d.checkpointEvery,
    resume: a.resume,
    valWindows: a['val-windows'] ?? d.valWindows,
    evaluate: a.evaluate ?? d.evaluate,
  };
}

function processFlags(a: TrainArgs): ProcessFlags {
  const link =
    a['bandwidth-gbps'] !== undefined || a['latency-us'] !== undefined
      ? {
          ...(a['bandwidth-gbps'] !== undefined ? { bandwidthGBps: a['bandwidth-gbps'] } : {}),
          ...(a['latency-us'] !== undefined ? { latencyUs: a['latency-us'] } : {}),
        }
      : undefined;
  return {
    rank: a.rank,
    world: a.world,
    rendezvous: a.rendezvous,
    runId: a['run-id'],
    host: a.host,
    loopbackHosts: a['loopback-hosts'],
    link,
  };
}

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

function summaryTable(r: TrainResult, o: TrainOptions): string {
  const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}%`);
  const lines = [
    `train  T=${o.seqLen} R=${o.ranks} ${o.layout} ${o.mode}  L=${o.layers} d=${o.dModel} H=${o.heads} ` +
      `mlp×${o.mlpRatio}  [${r.adapter}]`,
    `  steps              ${r.steps}${r.resumedFrom === null ? '' : ` (resumed from ${r.resumedFrom})`}; steady ` +
      `state = steps after this process's first (compile and warm-up excluded): n=${r.steady.steps}`,
    `  step time          median ${r.steady.medianMs.toFixed(0)} ms (min ${r.steady.minMs.toFixed(0)}, max ` +
      `${r.steady.maxMs.toFixed(0)})`,
    `  tokens/s           ${r.steady.tokensPerSecond.toFixed(0)} (batch ${o.batch} × ${o.seqLen} positions per step)`,
    `  MFU                ${pct(r.mfu.vsMatmul)} vs in-run matmul (${(r.matmulFlops / 1e9).toFixed(1)} GFLOP/s, the ` +
      `better of ${(r.matmulCalibrations.start / 1e9).toFixed(1)} before the steps and ` +
      `${(r.matmulCalibrations.end / 1e9).toFixed(1)} after); vs FP32 peak ` +
      `${r.peak ? `${pct(r.mfu.vsPeak)} of ${r.peak.name}` : 'n/a (adapter not in the table)'}; ` +
      `${(r.flopsPerToken / 1e6).toFixed(2)} MFLOP/token`,
    `  memory / rank      ${r.memoryPerRank.map(mb).join(', ')}`,
    `  bytes / step       ring ${mb(r.bytesPerStep.ring)}, gradient all-reduce ${mb(r.bytesPerStep.allReduce)}`,
    `  host               ${r.readBacksPerStep} read-back(s) and ${r.submitsPerStep} submit(s) per step`,
    `  loss               train ${r.loss.train.toFixed(6)}, validation ` +
      `${r.loss.validation === null ? 'n/a' : r.loss.validation.toFixed(6)}`,
    `  checkpoint         ${r.runDir}/checkpoints/${r.latest.file}`,
  ];
  return `${lines.join('\n')}\n`;
}

export default defineCommand<TrainArgs>({
  command: 'train',
  describe:
    'Train the forecaster over the ring on a feature store: per-step log, checkpoints, tokens/s, MFU, test-split ' +
    'evaluation',
  builder: (y: Argv) =>
    options(y)
      .example(
        '$0 train --store out/store --out out/run --steps 60',
        'T=8760, R=4 zigzag on one device, then bench forecast figures',
      )
      .example('$0 train --store out/store --out out/run --quick', 'a tiny run for smoke tests and CI')
      .example('$0 train --store out/store --out out/run --resume', 'continue from the latest checkpoint'),
  run: async (args) => {
    const o = trainOptions(args);
    const adapter = adapterChoice(args).adapter ?? {};
    const say = (line: string): void => void process.stderr.write(`${line}\n`);
    if (o.mode === 'process' && !o.join) return launchAndEvaluate(o, args, adapter, say);
    const result = await train(o, adapter, say);
    // One rank per process: rank 0 reports for the run; the others only train.
    if (o.join && o.join.rank !== 0) return ExitCode.ok;
    if (result.features) process.stderr.write(`${formatFeatureReport(result.features)}\n`);
    process.stderr.write(summaryTable(result, o));
    let evaluation = null;
    if (o.evaluate) {
      evaluation = await evaluateRun(o, adapter, say);
      process.stderr.write(formatEvaluationTable(evaluation));
    }
    const report = evaluation ? evaluationJson(evaluation) : null;
    const summary = {
      tokensPerSecond: result.steady.tokensPerSecond,
      mfu: result.mfu,
      loss: result.loss,
      stepMs: {
        median: result.steady.medianMs,
        min: result.steady.minMs,
        max: result.steady.maxMs,
        steadySteps: result.steady.steps,
      },
      steps: result.steps,
      resumedFrom: result.resumedFrom,
      flopsPerToken: result.flopsPerToken,
      matmulGflops: result.matmulFlops / 1e9,
      matmulGflopsCalibrations: {
        start: result.matmulCalibrations.start / 1e9,
        end: result.matmulCalibrations.end / 1e9,
      },
      peak: result.peak,
      memoryPerRankBytes: result.memoryPerRank,
      bytesPerStep: result.bytesPerStep,
      readBacksPerStep: result.readBacksPerStep,
      submitsPerStep: result.submitsPerStep,
      checkpoint: result.latest,
      adapter: result.adapter,
      ...(result.features ? { features: result.features } : {}),
      config: o.join ? { ...o, join: { ...o.join, rendezvous: shownUrl(o.join.rendezvous.toString()) } } : o,
      mape: report?.mape ?? null,
      perRespondent: report?.perRespondent ?? null,
      evaluation: report,
      log: result.log,
    };
    writeSummary(o.out, summary);
    if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return ExitCode.ok;
  },
});

/** The end-of-training evaluation on the test split, with the run's final weights (as bench forecast does). */
async function evaluateRun(o: TrainOptions, adapter: AdapterChoice, say: (l: string) => void) {
  return (await forecastRun(o.out, { store: o.store, split: 'test', adapter }, say)).evaluation;
}

/**
 * Launches the local ranks; when they all end well, evaluates the run in this process (if asked)
 * and reports rank 0's summary.
 */
async function launchAndEvaluate(
  o: TrainOptions,
  args: TrainArgs & { json: boolean },
  adapter: { name?: string; backend?: string },
  say: (l: string) => void,
): Promise<number> {
  const adapterFlags = [
    ...(args.adapter ? ['--adapter', args.adapter] : []),
    ...(args.backend ? ['--backend', args.backend] : []),
  ];
  const launched = await launchLocal(o, processFlags(args), { json: true, adapter: adapterFlags }, say);
  if (launched.code !== ExitCode.ok) return launched.code;
  const rank0 = launched.exits[0]?.stdout ?? '';
  let summary: unknown = JSON.parse(rank0);
  if (o.evaluate) {
    const evaluation = await evaluateRun(o, adapter, say);
    process.stderr.write(formatEvaluationTable(evaluation));
    const report = evaluationJson(evaluation);
    summary = {
      ...(typeof summary === 'object' && summary !== null ? summary : {}),
      mape: report.mape,
      perRespondent: report.perRespondent,
      evaluation: report,
    };
    writeSummary(o.out, summary);
  }
  if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return ExitCode.ok;
}
