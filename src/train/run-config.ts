// A training run's options, checked against the store and the ring before anything is written,
// and the run's identity: what a resumed run must share for its weights to be bit-identical.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WARM_UP_HOURS, type FeatureStore } from '../features/index.ts';
import { validateRingShape, type ProcessJoin, type RingLayoutKind, type TransportMode } from '../ring/index.ts';
import { splitWindows, type WindowRef } from './data.ts';
import { TrainUsageError } from './errors.ts';
import { futureFeatureNames } from './future.ts';
import { DEFAULT_QUANTILES, type ModelConfig } from './params.ts';

export interface TrainOptions {
  readonly store: string;
  readonly out: string;
  readonly seqLen: number;
  readonly ranks: number;
  readonly layout: string;
  readonly mode: TransportMode;
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly mlpRatio: number;
  /** E: width of the per-target-hour head (docs/train.md, "Known-future head"). */
  readonly headHidden: number;
  /** Optimiser steps; when absent, `epochs` passes over the train windows. */
  readonly steps?: number;
  readonly epochs?: number;
  readonly batch: number;
  readonly lr: number;
  readonly warmup: number;
  readonly weightDecay: number;
  readonly clip: number;
  readonly seed: number;
  readonly checkpointEvery: number;
  readonly resume: boolean;
  /** Validation windows scored at each checkpoint and at the end (evenly spaced over the split). */
  readonly valWindows: number;
  /** Run the test-split evaluation at the end (bench forecast does the same later). */
  readonly evaluate: boolean;
  /** Mode `process`: the rank this process is, and how it finds the others. */
  readonly join?: ProcessJoin;
}

/** What the checks resolve: the model, the windows and the budget. */
export interface ResolvedRun {
  readonly config: ModelConfig;
  readonly layout: RingLayoutKind;
  readonly train: readonly WindowRef[];
  readonly validation: readonly WindowRef[];
  readonly steps: number;
  readonly storeHash: string;
  /** The identity a resume must match (flag name → value). */
  readonly identity: Readonly<Record<string, number | string>>;
}

const FLAGS = { seqLen: '--seq-len', ranks: '--ranks', layout: '--layout' };

function positiveInt(flag: string, v: number): void {
  if (!Number.isInteger(v) || v < 1)
    throw new TrainUsageError('TRAIN_FLAG', `${flag} must be a positive integer, got ${v}`);
}

function finiteAtLeast(flag: string, v: number, min: number): void {
  if (!Number.isFinite(v) || v < min)
    throw new TrainUsageError('TRAIN_FLAG', `${flag} must be a number >= ${min}, got ${v}`);
}

/** sha256 of the store's metadata.json (which lists every file's sha256): the store's identity. */
export function storeHash(dir: string): string {
  return createHash('sha256')
    .update(readFileSync(join(dir, 'metadata.json')))
    .digest('hex');
}

function checkFlags(o: TrainOptions): void {
  for (const [flag, v] of [
    ['--layers', o.layers],
    ['--d-model', o.dModel],
    ['--heads', o.heads],
    ['--mlp-ratio', o.mlpRatio],
    ['--head-hidden', o.headHidden],
    ['--batch', o.batch],
    ['--checkpoint-every', o.checkpointEvery],
  ] as const)
    positiveInt(flag, v);
  if (o.steps !== undefined) positiveInt('--steps', o.steps);
  if (o.epochs !== undefined) finiteAtLeast('--epochs', o.epochs, Number.MIN_VALUE);
  if (o.dModel % o.heads !== 0 || (o.dModel / o.heads) % 4 !== 0) {
    throw new TrainUsageError(
      'TRAIN_FLAG',
      `--d-model ${o.dModel} / --heads ${o.heads} must be a whole head size that is a multiple of 4 (e.g. --d-model ` +
        `64 --heads 2)`,
    );
  }
  if (!(o.lr > 0) || !Number.isFinite(o.lr))
    throw new TrainUsageError('TRAIN_FLAG', `--lr must be a positive number, got ${o.lr}`);
  finiteAtLeast('--warmup', o.warmup, 0);
  finiteAtLeast('--weight-decay', o.weightDecay, 0);
  finiteAtLeast('--clip', o.clip, 0);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)
    throw new TrainUsageError('TRAIN_FLAG', `--seed must be an integer in [0, 2^32), got ${o.seed}`);
  finiteAtLeast('--val-windows', o.valWindows, 0);
}

/** Evenly spaced picks of `k` items (all of them when k ≥ n). */
function spread<T>(xs: readonly T[], k: number): T[] {
  if (k >= xs.length) return [...xs];
  return Array.from({ length: k }, (_, i) => xs[Math.floor(((i + 0.5) * xs.length) / k)]).filter(
    (x): x is T => x !== undefined,
  );
}

export function resolveRun(o: TrainOptions, store: FeatureStore): ResolvedRun {
  checkFlags(o);
  const layout = validateRingShape(o.seqLen, o.ranks, o.layout, FLAGS);
  const train = splitWindows(store, 'train', o.seqLen);
  if (train.length === 0) {
    const hours = store.metadata.splits.find((s) => s.name === 'train');
    const span = hours ? hours.lastHour - hours.firstHour + 1 : 0;
    throw new TrainUsageError(
      'TRAIN_SEQ_LEN',
      `--seq-len ${o.seqLen}: the store ${o.store} has no complete train window at this length (its train split ` +
        `spans ${span} hours, less the ${WARM_UP_HOURS}-hour warm-up and the ${store.metadata.window.horizon}-hour ` +
        `target); use a smaller --seq-len`,
    );
  }
  const validation = spread(splitWindows(store, 'validation', o.seqLen), o.valWindows);
  const steps = o.steps ?? Math.max(1, Math.ceil(((o.epochs ?? 1) * train.length) / o.batch));
  const config: ModelConfig = {
    features: store.metadata.features.length,
    dModel: o.dModel,
    heads: o.heads,
    layers: o.layers,
    mlpRatio: o.mlpRatio,
    horizon: store.metadata.window.horizon,
    futureFeatures: futureFeatureNames(store).length,
    headHidden: o.headHidden,
    quantiles: DEFAULT_QUANTILES,
  };
  const identity = {
    '--seq-len': o.seqLen,
    '--ranks': o.ranks,
    '--layout': layout,
    '--mode': o.mode,
    '--layers': o.layers,
    '--d-model': o.dModel,
    '--heads': o.heads,
    '--mlp-ratio': o.mlpRatio,
    '--head-hidden': o.headHidden,
    future: futureFeatureNames(store).join(','),
    quantiles: DEFAULT_QUANTILES.join(','),
    '--steps': steps,
    '--batch': o.batch,
    '--lr': o.lr,
    '--warmup': o.warmup,
    '--weight-decay': o.weightDecay,
    '--clip': o.clip,
    '--seed': o.seed,
    features: store.featureNames.join(','),
  };
  return { config, layout, train, validation, steps, storeHash: storeHash(o.store), identity };
}

/** Refuses a resume into a run of another configuration or store, naming what differs. */
export function checkResumable(
  out: string,
  run: ResolvedRun,
  saved: { run: Readonly<Record<string, unknown>>; storeHash: string },
): void {
  if (saved.storeHash !== run.storeHash) {
    throw new TrainUsageError(
      'TRAIN_RESUME_STORE',
      `--resume: the run in ${out} was trained on another feature store (metadata sha256 ` +
        `${saved.storeHash.slice(0, 12)}…, this store ${run.storeHash.slice(0, 12)}…); use its --store or a new --out`,
    );
  }
  for (const [key, value] of Object.entries(run.identity)) {
    if (saved.run[key] !== value) {
      throw new TrainUsageError(
        'TRAIN_RESUME_CONFIG',
        `--resume: the run in ${out} has ${key} ${String(saved.run[key])}, not ${value}; resume with the run's own ` +
          `flags or start a new --out`,
      );
    }
  }
}
