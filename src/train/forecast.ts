// Forecasts from a trained run: the run's model rebuilt from its latest checkpoint, used as the
// evaluation's Predictor on a store split, with the forecasts file and the plots written into the
// run folder (forecasts-<split>.arrow, loss.svg, forecast-<split>-<respondent>.svg,
// mape-by-lead-<split>-{every-hour,day-ahead}.svg).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFeatureStore, type FeatureStore, type SplitName } from '../features/index.ts';
import type { AdapterChoice, FeatureReport } from '../kernels/index.ts';
import { isRingLayoutKind } from '../ring/index.ts';
import { loadCheckpoint, readLatest, type CheckpointHeader } from './checkpoint.ts';
import { TrainUsageError } from './errors.ts';
import {
  evaluate,
  forecastWeekSvg,
  leadTimeMapeSvg,
  lossCurveSvg,
  writeFileAtomic,
  writeForecastsArrow,
  type Evaluation,
  type Predictor,
} from './evaluate/index.ts';
import { futureInputs } from './future.ts';
import { calibratedPredictor, DEFAULT_INTERVAL_CALIBRATION, type IntervalCalibration } from './interval.ts';
import { createGpuModel, type GpuModel } from './model.ts';
import { readRunFile } from './run-file.ts';
import { openTransport } from './transport.ts';

/**
 * The model as the evaluation's Predictor: rows startRow … startRow+T−1 of a respondent, every
 * quantile of the head, [T, horizon, Q], with the anchor the model's residuals are taken from
 * added back (src/train/future.ts).
 */
export function modelPredictor(model: GpuModel, store: FeatureStore): Predictor {
  const F = store.metadata.features.length;
  const T = model.seqLen;
  const { horizon, quantiles } = model.config;
  const Q = quantiles.length;
  return {
    seqLen: T,
    quantiles,
    async predict(respondent, startRow) {
      const index = store.respondents.findIndex((x) => x.code === respondent);
      const r = store.respondents[index];
      if (!r) throw new TrainUsageError('TRAIN_EVAL_RESPONDENT', `respondent ${respondent} is not in the store`);
      const x = r.features.slice(startRow * F, (startRow + T) * F);
      const { future, anchor } = futureInputs(store, index, startRow, T);
      const pred = await model.predict(x, future);
      for (let k = 0; k < T * horizon; k++) {
        const a = anchor[k] ?? 0;
        for (let q = 0; q < Q; q++) pred[k * Q + q] = (pred[k * Q + q] ?? Number.NaN) + a;
      }
      return pred;
    },
  };
}

export interface ForecastOutputs {
  readonly evaluation: Evaluation;
  readonly files: readonly string[];
  /** How the outer quantiles were calibrated from recent errors (src/train/interval.ts). */
  readonly interval: IntervalCalibration;
}

/** Evaluates `model` on `split` and writes the forecasts file and plots into `out`. */
export async function forecastAndPlot(
  model: GpuModel,
  store: FeatureStore,
  out: string,
  split: SplitName,
  history: CheckpointHeader['history'],
  say: (line: string) => void,
): Promise<ForecastOutputs> {
  const interval = DEFAULT_INTERVAL_CALIBRATION;
  const predictor = calibratedPredictor(store, modelPredictor(model, store), interval);
  const evaluation = await evaluate(store, predictor, {
    split,
    onProgress: (m) => say(`forecast: ${m}`),
  });
  const files: string[] = [];
  const arrow = join(out, `forecasts-${split}.arrow`);
  writeForecastsArrow(arrow, evaluation);
  files.push(arrow);
  const loss = join(out, 'loss.svg');
  writeFileAtomic(
    loss,
    lossCurveSvg({
      train: history.map((h) => ({ step: h.step, loss: h.loss })),
      validation: history.flatMap((h) => (h.validation === undefined ? [] : [{ step: h.step, loss: h.validation }])),
    }),
  );
  files.push(loss);
  for (const view of ['every-hour', 'day-ahead'] as const) {
    const file = join(out, `mape-by-lead-${split}-${view}.svg`);
    writeFileAtomic(file, leadTimeMapeSvg(evaluation, { view }));
    files.push(file);
  }
  for (const r of evaluation.respondents) {
    const file = join(out, `forecast-${split}-${r.respondent}.svg`);
    try {
      writeFileAtomic(file, forecastWeekSvg(evaluation, r.respondent));
      files.push(file);
    } catch (error) {
      say(`forecast: no week plot for ${r.respondent}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { evaluation, files, interval };
}

/** bench forecast: rebuild the run's model from its latest checkpoint and evaluate it. */
export async function forecastRun(
  runDir: string,
  options: { store?: string; split: SplitName; adapter: AdapterChoice },
  say: (line: string) => void,
): Promise<ForecastOutputs & { step: number; features?: FeatureReport }> {
  const run = readRunFile(runDir);
  const latest = readLatest(runDir);
  if (!latest)
    throw new TrainUsageError(
      'TRAIN_RUN_NO_CHECKPOINT',
      `--run ${runDir}: no checkpoint yet (checkpoints/latest.json); train first`,
    );
  const ckpt = loadCheckpoint(runDir, latest);
  const store = openFeatureStore(options.store ?? run.store);
  const names = store.featureNames.join(',');
  if (ckpt.header.run['features'] !== names) {
    throw new TrainUsageError(
      'TRAIN_STORE_FEATURES',
      `--store ${options.store ?? run.store}: its features differ from the ones run ${runDir} was trained on; use a ` +
        `store built the same way`,
    );
  }
  if (!isRingLayoutKind(run.layout))
    throw new TrainUsageError('TRAIN_RUN_CORRUPT', `${runDir}/run.json: layout '${run.layout}' is unknown`);
  const { transport, gpu, close } = await openTransport(run.mode, run.ranks, options.adapter);
  const features = gpu.features.requested.length ? { features: gpu.features } : {};
  try {
    const model = await createGpuModel(transport, { config: run.config, seqLen: run.seqLen, layout: run.layout });
    try {
      await model.setState(ckpt.params, ckpt.m, ckpt.v);
      const outputs = await forecastAndPlot(model, store, runDir, options.split, ckpt.header.history, say);
      return { ...outputs, step: ckpt.header.step, ...features };
    } finally {
      model.destroy();
    }
  } finally {
    await close();
  }
}

/** summary.json of a run (what bench train --json prints). */
export function writeSummary(out: string, summary: unknown): void {
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
