// Public entry of the evaluation step of the train stage: backtest a predictor on a store split,
// score it against the baselines, write the forecasts (Arrow) and the plots (SVG).
export { evaluate, issuedAtMidnight } from './evaluate.ts';
export type { EvaluateOptions, Evaluation, EvaluationReport } from './evaluate.ts';
export { checkQuantiles, predictWindow } from './predictor.ts';
export type { Predictor } from './predictor.ts';
export { minContext, planForecasts } from './plan.ts';
export type { ForecastPlan, PlanInput, PlannedWindow } from './plan.ts';
export { DAY_HOURS, SEASON_HOURS } from './forecasts.ts';
export type { RespondentForecasts } from './forecasts.ts';
export { maseScale, mean, median, METHODS, respondentMetrics, viewMetrics } from './metrics.ts';
export type { ByMethod, ForecastFilter, Method, RespondentMetrics, ViewMetrics } from './metrics.ts';
export { denormalise, respondentSeries } from './series.ts';
export type { RespondentSeries } from './series.ts';
export { FORECASTS_SCHEMA, writeForecastsArrow } from './forecasts-arrow.ts';
export { writeFileAtomic } from './atomic-write.ts';
export { forecastWeekSvg, lossCurveSvg } from './plots.ts';
export type { ForecastWeekOptions, LossCurves, LossPoint } from './plots.ts';
export { escapeXml, lineChartSvg, niceTicks } from './svg.ts';
export type { LineChartOptions, LineSeries, Point } from './svg.ts';
export { evaluationJson, formatEvaluationTable } from './table.ts';
export { EvaluationError } from './errors.ts';
export type { EvaluationErrorCode } from './errors.ts';
