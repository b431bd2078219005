// Public entry of the evaluation step of the train stage: backtest a predictor on a store split,
// score it against the baselines, write the forecasts (Arrow) and the plots (SVG).
export { DAY_AHEAD_VIEW, evaluate, everyHourView, issuedAtMidnight } from './evaluate.ts';
export type { EvaluateOptions, Evaluation, EvaluationReport, IssueHours, LinearFitSummary } from './evaluate.ts';
export { checkQuantiles, predictWindow } from './predictor.ts';
export type { Predictor } from './predictor.ts';
export { minContext, planForecasts, RECENT_HOURS } from './plan.ts';
export type { ForecastPlan, PlanInput, PlannedWindow, SkippedRun, SkipReason } from './plan.ts';
export { DAY_HOURS, forecastRespondent, SEASON_HOURS } from './forecasts.ts';
export type { RespondentForecasts, RespondentInputs } from './forecasts.ts';
export { byMethod, maseScale, mean, METHODS, respondentMetrics, viewMetrics } from './metrics.ts';
export type {
  ByMethod,
  ByMethodByLead,
  ForecastFilter,
  Method,
  Ratios,
  RespondentMetrics,
  ViewMetrics,
  ViewSpec,
} from './metrics.ts';
export { pinball, QuantileSums } from './probabilistic.ts';
export type { PinballMetrics } from './probabilistic.ts';
export { dieboldMariano, logGamma, regularizedBeta, studentTTwoSided } from './diebold-mariano.ts';
export type { DieboldMariano } from './diebold-mariano.ts';
export { HUBER_K, huberFit, leastSquares, LEVERAGE_K, predictRow } from './robust-fit.ts';
export type { Design, RobustFit } from './robust-fit.ts';
export {
  dfKnownAt,
  fitLinearBaseline,
  linearFitted,
  linearForecast,
  linearInputs,
  linearRow,
} from './linear-baseline.ts';
export type { LeadFit, LinearBaseline, LinearInput, LinearVariant } from './linear-baseline.ts';
export { denormalise, respondentSeries } from './series.ts';
export type { RespondentSeries } from './series.ts';
export { FORECASTS_SCHEMA, quantileColumn, writeForecastsArrow } from './forecasts-arrow.ts';
export { writeFileAtomic } from './atomic-write.ts';
export { forecastWeekSvg, leadTimeMapeSvg, lossCurveSvg } from './plots.ts';
export type { ForecastWeekOptions, LeadTimeOptions, LossCurves, LossPoint } from './plots.ts';
export { escapeXml, lineChartSvg, niceTicks } from './svg.ts';
export type { BandSeries, LineChartOptions, LineSeries, Point } from './svg.ts';
export { evaluationJson, formatEvaluationTable } from './table.ts';
export { EvaluationError } from './errors.ts';
export type { EvaluationErrorCode } from './errors.ts';
