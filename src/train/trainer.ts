// The training loop: a seeded run over the store's train windows, sequence-parallel over the
// ring; per-step log lines llm.c style; validation and atomic checkpoints every
// --checkpoint-every steps and at the end; bit-exact resume from the latest checkpoint.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../core/index.ts';
import { openFeatureStore, type FeatureStore } from '../features/index.ts';
import type { AdapterChoice, FeatureReport, Gpu } from '../kernels/index.ts';
import { matmulPeak } from './calibrate.ts';
import {
  encodeCheckpoint,
  loadCheckpoint,
  readLatest,
  saveCheckpoint,
  type Checkpoint,
  type CheckpointHeader,
  type LatestPointer,
} from './checkpoint.ts';
import { nextBatch, windowTensors, type DataCursor, type WindowRef } from './data.ts';
import { TrainDivergedError } from './errors.ts';
import { modelFlopsPerToken } from './flops.ts';
import { createGpuModel, type GpuModel } from './model.ts';
import { knownPeak } from './peaks.ts';
import { initParams } from './reference/index.ts';
import { checkResumable, resolveRun, type ResolvedRun, type TrainOptions } from './run-config.ts';
import { writeRunFile } from './run-file.ts';
import { learningRate } from './schedule.ts';
import { openTransport } from './transport.ts';

export interface StepLog {
  readonly step: number;
  readonly loss: number;
  readonly gradNorm: number;
  readonly lr: number;
  readonly ms: number;
  readonly tokensPerSecond: number;
  readonly mfuVsMatmul: number;
}

export interface TrainResult {
  readonly runDir: string;
  readonly steps: number;
  readonly resumedFrom: number | null;
  readonly log: readonly StepLog[];
  readonly history: CheckpointHeader['history'];
  readonly latest: LatestPointer;
  /** Steady state: steps after the first of this process (compile and warm-up excluded). */
  readonly steady: {
    readonly steps: number;
    readonly medianMs: number;
    readonly minMs: number;
    readonly maxMs: number;
    readonly tokensPerSecond: number;
  };
  readonly flopsPerToken: number;
  /** The better of the two in-run calibrations below (MFU "vs matmul" divides by it). */
  readonly matmulFlops: number;
  /** Matmul FLOP/s measured before the first step and after the last (a busy host moves either). */
  readonly matmulCalibrations: { readonly start: number; readonly end: number };
  readonly peak: { readonly name: string; readonly flops: number } | null;
  readonly mfu: { readonly vsMatmul: number; readonly vsPeak: number | null };
  readonly memoryPerRank: readonly number[];
  readonly bytesPerStep: { readonly ring: number; readonly allReduce: number };
  readonly readBacksPerStep: number;
  readonly submitsPerStep: number;
  readonly loss: { readonly train: number; readonly validation: number | null };
  readonly adapter: string;
  /** What `--features` asked for and got (absent without the flag). */
  readonly features?: FeatureReport;
}

export type Progress = (line: string) => void;

/** Masked mean loss over the validation windows (forward only). */
async function validationLoss(
  model: GpuModel,
  store: FeatureStore,
  refs: readonly WindowRef[],
  seqLen: number,
): Promise<number | null> {
  let s = 0;
  let w = 0;
  for (const ref of refs) {
    const r = await model.evaluate(windowTensors(store, ref, seqLen, 'validation'));
    s += r.loss * r.weight;
    w += r.weight;
  }
  return w === 0 ? null : s / w;
}

interface RunState {
  step: number;
  cursor: DataCursor;
  history: { step: number; loss: number; validation?: number }[];
  latest: LatestPointer | undefined;
}

/** Starts fresh or loads the latest checkpoint (checking it belongs to this run). */
async function startState(
  o: TrainOptions,
  run: ResolvedRun,
  model: GpuModel,
  say: Progress,
): Promise<{ state: RunState; resumedFrom: number | null }> {
  const latest = o.resume ? readLatest(o.out) : undefined;
  if (!latest) {
    if (o.resume) say(`train: --resume: no checkpoint in ${o.out}; starting at step 0`);
    await model.setState(initParams(run.config, o.seed));
    return { state: { step: 0, cursor: { epoch: 0, index: 0 }, history: [], latest: undefined }, resumedFrom: null };
  }
  const ckpt = loadCheckpoint(o.out, latest);
  checkResumable(o.out, run, ckpt.header);
  await model.setState(ckpt.params, ckpt.m, ckpt.v);
  say(`train: resumed from ${latest.file} (step ${ckpt.header.step})`);
  return {
    state: { step: ckpt.header.step, cursor: ckpt.header.cursor, history: [...ckpt.header.history], latest },
    resumedFrom: ckpt.header.step,
  };
}

async function checkpoint(o: TrainOptions, run: ResolvedRun, model: GpuModel, state: RunState): Promise<LatestPointer> {
  const { params, m, v } = await model.readState();
  // One rank per process: rank 0 writes; the others hash their identical replica without writing.
  const save = o.join && o.join.rank !== 0 ? (_: string, c: Checkpoint) => encodeCheckpoint(c).pointer : saveCheckpoint;
  return save(o.out, {
    header: {
      format: 'wattring.checkpoint/1',
      step: state.step,
      cursor: state.cursor,
      run: run.identity,
      storeHash: run.storeHash,
      total: params.length,
      history: state.history,
    },
    params,
    m,
    v,
  });
}

/** Trains; resolves with the run's figures. Throws TrainDivergedError on a non-finite loss. */
export async function train(o: TrainOptions, adapter: AdapterChoice, say: Progress): Promise<TrainResult> {
  const store = openFeatureStore(o.store);
  const run = resolveRun(o, store);
  mkdirSync(o.out, { recursive: true });
  const { transport, gpu, close } = await openTransport(o.mode, o.ranks, adapter, o.join);
  let failure: unknown;
  try {
    say(
      `train: ${run.train.length} train windows, ${run.validation.length} validation windows, ` +
        `T=${o.seqLen}, R=${o.ranks} ${run.layout} ${o.mode}, L=${o.layers} d=${o.dModel} H=${o.heads} ` +
        `on ${gpu.adapter.description}`,
    );
    const model = await createGpuModel(transport, { config: run.config, seqLen: o.seqLen, layout: run.layout });
    try {
      return await loop(o, run, store, model, gpu, say);
    } finally {
      model.destroy();
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await close(failure);
  }
}

async function loop(
  o: TrainOptions,
  run: ResolvedRun,
  store: FeatureStore,
  model: GpuModel,
  gpu: Gpu,
  say: Progress,
): Promise<TrainResult> {
  const { state, resumedFrom } = await startState(o, run, model, say);
  if (!o.join || o.join.rank === 0)
    writeRunFile(o.out, {
      store: o.store,
      config: run.config,
      seqLen: o.seqLen,
      ranks: o.ranks,
      layout: run.layout,
      mode: o.mode,
    });
  const matmulFlops = await matmulPeak(gpu);
  const flops = modelFlopsPerToken(run.config, o.seqLen).total;
  const peak = knownPeak(gpu.adapter.description);
  /** Model FLOP utilisation of `tokensPerSecond` against `peakFlops` (docs/train.md, MFU). */
  const mfu = (tokensPerSecond: number, peakFlops: number): number => (flops * tokensPerSecond) / peakFlops;
  const schedule = { lr: o.lr, warmup: o.warmup, steps: run.steps, minRatio: 0.1 };
  const log: StepLog[] = [];
  let ringBytes = 0;
  let allReduceBytes = 0;
  let readBacks = 0;
  let submits = 0;
  let lastTrain = Number.NaN;
  while (state.step < run.steps) {
    const step = state.step + 1;
    const { refs, cursor } = nextBatch(run.train, o.seed, state.cursor, o.batch);
    const windows = refs.map((r) => windowTensors(store, r, o.seqLen, 'train'));
    const lr = learningRate(schedule, step);
    const t0 = performance.now();
    const r = await model.trainStep(windows, { step, lr, weightDecay: o.weightDecay, clip: o.clip });
    const ms = performance.now() - t0;
    if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
      const kept = state.latest
        ? `the last good checkpoint is ${state.latest.file} (step ${state.latest.step})`
        : 'no checkpoint was written yet';
      throw new TrainDivergedError(
        `step ${step}: the loss is ${r.loss} (grad norm ${r.gradNorm}); training stopped and wrote nothing ` +
          `more — ${kept}. Lower --lr or raise --warmup`,
      );
    }
    const tokensPerSecond = (o.batch * o.seqLen) / (ms / 1e3);
    log.push({
      step,
      loss: r.loss,
      gradNorm: r.gradNorm,
      lr,
      ms,
      tokensPerSecond,
      mfuVsMatmul: mfu(tokensPerSecond, matmulFlops),
    });
    say(
      `step ${String(step).padStart(5)}/${run.steps} | loss ${r.loss.toFixed(6)} | ` +
        `norm ${r.gradNorm.toFixed(4)} | lr ${lr.toExponential(2)} | ${ms.toFixed(0)} ms | ` +
        `${tokensPerSecond.toFixed(0)} tok/s | MFU ${(100 * mfu(tokensPerSecond, matmulFlops)).toFixed(1)}% vs matmul` +
        (peak ? `, ${(100 * mfu(tokensPerSecond, peak.flops)).toFixed(2)}% of ${peak.name}` : ''),
    );
    ringBytes = r.ringLog.reduce((n, x) => n + x.bytesSent, 0);
    allReduceBytes = r.allReduceBytes;
    readBacks = r.readBacks;
    submits = r.submits;
    lastTrain = r.loss;
    state.step = step;
    state.cursor = cursor;
    const entry: { step: number; loss: number; validation?: number } = { step, loss: r.loss };
    state.history.push(entry);
    if (step % o.checkpointEvery === 0 || step === run.steps) {
      const val = await validationLoss(model, store, run.validation, o.seqLen);
      if (val !== null) {
        entry.validation = val;
        say(`step ${step}: validation loss ${val.toFixed(6)} over ${run.validation.length} windows`);
      }
      state.latest = await checkpoint(o, run, model, state);
      say(`step ${step}: checkpoint ${join('checkpoints', state.latest.file)}`);
    }
  }
  const latest = state.latest ?? (await checkpoint(o, run, model, state));
  // Calibrated again after the steps: a busy host at start-up alone raised MFU (docs/measurements.md,
  // "Training: matmul calibrated before and after the steps"). The summary and the log it keeps
  // divide by the better of the two; the step lines printed during the run by the first.
  const matmulEnd = await matmulPeak(gpu);
  const bestMatmul = Math.max(matmulFlops, matmulEnd);
  const steadyLog = log.slice(1);
  const steadyMs = steadyLog.map((x) => x.ms);
  const medianMs = median(steadyMs.length ? steadyMs : log.map((x) => x.ms));
  const tokensPerSecond = (o.batch * o.seqLen) / (medianMs / 1e3);
  const lastVal = [...state.history].reverse().find((h) => h.validation !== undefined)?.validation ?? null;
  return {
    runDir: o.out,
    steps: run.steps,
    resumedFrom,
    log: log.map((x) => ({ ...x, mfuVsMatmul: mfu(x.tokensPerSecond, bestMatmul) })),
    history: state.history,
    latest,
    steady: {
      steps: steadyLog.length,
      medianMs,
      minMs: Math.min(...(steadyMs.length ? steadyMs : [medianMs])),
      maxMs: Math.max(...(steadyMs.length ? steadyMs : [medianMs])),
      tokensPerSecond,
    },
    flopsPerToken: flops,
    matmulFlops: bestMatmul,
    matmulCalibrations: { start: matmulFlops, end: matmulEnd },
    peak,
    mfu: { vsMatmul: mfu(tokensPerSecond, bestMatmul), vsPeak: peak ? mfu(tokensPerSecond, peak.flops) : null },
    memoryPerRank: model.memory(),
    bytesPerStep: { ring: ringBytes, allReduce: allReduceBytes },
    readBacksPerStep: readBacks,
    submitsPerStep: submits,
    loss: { train: lastTrain, validation: lastVal },
    adapter: gpu.adapter.description,
    ...(gpu.features.requested.length ? { features: gpu.features } : {}),
  };
}
