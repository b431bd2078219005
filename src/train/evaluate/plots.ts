// The evaluation's plots as SVG a person can open: train and validation loss by step, per
// respondent one week of day-ahead forecasts (issued at 00 UTC, with the P10–P90 band) against the
// actuals and DF, and MAPE by lead time per method.
import type { Evaluation } from './evaluate.ts';
import { DAY_HOURS, type RespondentForecasts } from './forecasts.ts';
import { METHODS, type Method, type ViewMetrics } from './metrics.ts';
import { lineChartSvg, type BandSeries, type LineSeries, type Point } from './svg.ts';
import { HOUR_MS } from '../../core/index.ts';

export interface LossPoint {
  readonly step: number;
  readonly loss: number;
}

export interface LossCurves {
  readonly train: readonly LossPoint[];
  readonly validation: readonly LossPoint[];
}

const COLORS = {
  train: '#1f77b4',
  validation: '#ff7f0e',
  actual: '#222222',
  model: '#1f77b4',
  df: '#2ca02c',
  seasonalNaive: '#9467bd',
  linear: '#d62728',
  naive24h: '#8c564b',
} as const;
const WEEK_DAYS = 7;

export function lossCurveSvg(curves: LossCurves, title = 'Training loss'): string {
  const toPoints = (xs: readonly LossPoint[]): Point[] => xs.map((p) => ({ x: p.step, y: p.loss }));
  return lineChartSvg({
    title,
    xLabel: 'step',
    yLabel: 'loss (MSE of normalised demand)',
    series: [
      { name: 'train', points: toPoints(curves.train), color: COLORS.train },
      { name: 'validation', points: toPoints(curves.validation), color: COLORS.validation, markers: true },
    ],
  });
}

export interface ForecastWeekOptions {
  /** First day of the week (YYYY-MM-DD, UTC); default: the first 7 consecutive forecast days of the split. */
  readonly from?: string;
  /** Draw seasonal-naive as well (default true). */
  readonly seasonalNaive?: boolean;
}

/**
 * One week of the day-ahead view: the forecasts issued at 00 UTC on 7 consecutive days, each
 * covering that day's 24 hours, concatenated. Fewer days are drawn when the split has no full week.
 */
export function forecastWeekSvg(evaluation: Evaluation, respondent: string, options: ForecastWeekOptions = {}): string {
  const f = evaluation.respondents.find((r) => r.respondent === respondent);
  if (f === undefined) throw new Error(`forecastWeekSvg: no forecasts for respondent ${respondent} in this evaluation`);
  const days = pickWeek(f, options.from);
  const take = (values: Float64Array): Point[] => days.flatMap((n) => hoursOf(f, n, values));
  const bands: BandSeries[] = [];
  const lo = f.quantileLevels.indexOf(0.1);
  const hi = f.quantileLevels.indexOf(0.9);
  if (lo >= 0 && hi >= 0) {
    const level = (q: number): Float64Array => quantileLevel(f, q);
    bands.push({ name: 'model P10-P90', lower: take(level(lo)), upper: take(level(hi)), color: COLORS.model });
  }
  const series: LineSeries[] = [
    { name: 'actual', points: take(f.actual), color: COLORS.actual },
    { name: bands.length > 0 ? 'model P50' : 'model forecast', points: take(f.forecast), color: COLORS.model },
  ];
  const df = take(f.df);
  if (df.some((p) => Number.isFinite(p.y))) series.push({ name: 'BA day-ahead (DF)', points: df, color: COLORS.df });
  if (options.seasonalNaive ?? true)
    series.push({ name: 'seasonal-naive', points: take(f.seasonalNaive), color: COLORS.seasonalNaive, dashed: true });
  const first = days[0];
  const span =
    first === undefined
      ? 'no day-ahead forecasts'
      : `${days.length} days from ` +
        `${new Date((f.firstHour + (f.issued[first] ?? 0)) * HOUR_MS).toISOString().slice(0, 10)}`;
  return lineChartSvg({
    title: `${respondent}: day-ahead forecasts (issued 00 UTC), ${evaluation.report.split} split, ${span}`,
    xLabel: 'hour ending (UTC)',
    yLabel: 'demand (MWh)',
    xAxis: 'time',
    series,
    bands,
  });
}

function quantileLevel(f: RespondentForecasts, q: number): Float64Array {
  const Q = f.quantileLevels.length;
  return Float64Array.from({ length: f.forecast.length }, (_, k) => f.quantiles[k * Q + q] ?? Number.NaN);
}

const METHOD_STYLE: Record<Method, { name: string; color: string; dashed?: boolean }> = {
  model: { name: 'model', color: COLORS.model },
  dayAhead: { name: 'BA day-ahead (DF)', color: COLORS.df },
  linear: { name: 'linear DF-correction', color: COLORS.linear },
  naive24h: { name: 'naive-24 h', color: COLORS.naive24h, dashed: true },
  seasonalNaive: { name: 'seasonal-naive', color: COLORS.seasonalNaive, dashed: true },
};

export interface LeadTimeOptions {
  /** `every-hour` (default) or `day-ahead` (00 UTC issues). */
  readonly view?: 'every-hour' | 'day-ahead';
  /** One respondent's MAPE; default: the mean over respondents. */
  readonly respondent?: string;
}

/** MAPE (%) by lead time h = 1 … horizon, one line per method that has it. */
export function leadTimeMapeSvg(evaluation: Evaluation, options: LeadTimeOptions = {}): string {
  const r = evaluation.report;
  const view: ViewMetrics = options.view === 'day-ahead' ? r.dayAheadView : r;
  const who = options.respondent;
  const byLead = who === undefined ? view.mapeByLead : view.perRespondent.find((p) => p.respondent === who)?.mapeByLead;
  if (byLead === undefined) throw new Error(`leadTimeMapeSvg: no forecasts for respondent ${who} in this evaluation`);
  const series: LineSeries[] = METHODS.filter((m) => byLead[m].some((v) => v !== null)).map((m) => ({
    name: METHOD_STYLE[m].name,
    color: METHOD_STYLE[m].color,
    markers: true,
    ...(METHOD_STYLE[m].dashed === true ? { dashed: true } : {}),
    points: byLead[m].map((y, h) => ({ x: h + 1, y: y ?? Number.NaN })),
  }));
  const scope = who ?? `mean of ${view.perRespondent.length} respondents`;
  const which = options.view === 'day-ahead' ? 'issued 00 UTC' : 'issued every hour';
  return lineChartSvg({
    title: `MAPE by lead time, ${scope}, ${r.split} split (${which})`,
    xLabel: 'lead time (hours ahead)',
    yLabel: 'MAPE (%)',
    series,
  });
}

/** Indices n of up to 7 forecasts issued at 00 UTC on consecutive days. */
function pickWeek(f: RespondentForecasts, from: string | undefined): number[] {
  const midnight: number[] = [];
  f.issued.forEach((i, n) => {
    if ((f.firstHour + i) % DAY_HOURS === 0) midnight.push(n);
  });
  const fromHour = from === undefined ? -Infinity : Date.parse(`${from}T00:00:00Z`) / HOUR_MS;
  let best: number[] = [];
  let run: number[] = [];
  for (const n of midnight) {
    const hour = f.firstHour + (f.issued[n] ?? 0);
    if (hour < fromHour) continue;
    const prev = run[run.length - 1];
    const consecutive = prev !== undefined && (f.issued[n] ?? 0) - (f.issued[prev] ?? 0) === DAY_HOURS;
    run = consecutive ? [...run, n] : [n];
    if (run.length > best.length) best = run;
    if (best.length === WEEK_DAYS) break;
  }
  return best;
}

function hoursOf(f: RespondentForecasts, n: number, values: Float64Array): Point[] {
  const i = f.issued[n] ?? 0;
  return Array.from({ length: f.horizon }, (_, h) => ({
    x: (f.firstHour + i + h + 1) * HOUR_MS,
    y: values[n * f.horizon + h] ?? Number.NaN,
  }));
}
