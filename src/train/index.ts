// Public entry of the train stage: the model config and flat parameter layout, its whole-model
// f64 reference and seeded initialisation, the FLOPs count behind MFU, and forecast evaluation.
export { DEFAULT_QUANTILES, headDim, LAYER_NORM_EPS, PARAM_ALIGN, paramLayout, sliceOf } from './params.ts';
export { FUTURE_FEATURES, futureFeatureNames, futureInputs } from './future.ts';
export type { FutureInputs } from './future.ts';
export type { ModelConfig, ParamInit, ParamLayout, ParamSlice } from './params.ts';
export {
  initParams,
  initStd,
  referenceForward,
  referenceLossAndGrads,
  ReferenceShapeError,
} from './reference/index.ts';
export type { ReferenceLoss, ReferenceWindow } from './reference/index.ts';
export { matmulWeights, modelFlopsPerToken } from './flops.ts';
export { createGpuModel } from './model.ts';
export type { GpuModel, GpuModelOptions, HostWindow, StepHyper, StepResult } from './model.ts';
export type { FlopsPerToken } from './flops.ts';
// Evaluation: backtests, metrics vs the baselines, forecasts file and plots (src/train/evaluate/).
export {
  evaluate,
  evaluationJson,
  EvaluationError,
  forecastWeekSvg,
  leadTimeMapeSvg,
  formatEvaluationTable,
  issuedAtMidnight,
  lossCurveSvg,
  minContext,
  writeFileAtomic,
  writeForecastsArrow,
} from './evaluate/index.ts';
export type {
  Evaluation,
  EvaluationReport,
  ForecastWeekOptions,
  LossCurves,
  LossPoint,
  Predictor,
  RespondentForecasts,
} from './evaluate/index.ts';
// Training: the loop, checkpoints, forecasts of a run.
export { train } from './trainer.ts';
export type { StepLog, TrainResult } from './trainer.ts';
export type { TrainOptions } from './run-config.ts';
export { forecastAndPlot, forecastRun, modelPredictor, writeSummary } from './forecast.ts';
export { calibratedPredictor, DEFAULT_INTERVAL_CALIBRATION } from './interval.ts';
export type { IntervalCalibration } from './interval.ts';
export type { ForecastOutputs } from './forecast.ts';
export { loadCheckpoint, readLatest, saveCheckpoint } from './checkpoint.ts';
export type { Checkpoint, CheckpointHeader, LatestPointer } from './checkpoint.ts';
export { openTransport } from './transport.ts';
export { knownPeak } from './peaks.ts';
export { learningRate } from './schedule.ts';
export { epochOrder, nextBatch, splitWindows, windowTensors } from './data.ts';
export type { DataCursor, WindowRef } from './data.ts';
export { TrainDivergedError, TrainUsageError } from './errors.ts';
