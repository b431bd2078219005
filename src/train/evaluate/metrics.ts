// Forecast accuracy: MAPE (%), MAE (MWh) and MASE per respondent for the model and the baselines
// on the same scored hours, and their mean and median over respondents.
import type { SplitRange } from '../../features/index.ts';
import { SEASON_HOURS, type RespondentForecasts } from './forecasts.ts';
import type { RespondentSeries } from './series.ts';

export const METHODS = ['model', 'seasonalNaive', 'naive24h', 'dayAhead'] as const;
export type Method = (typeof METHODS)[number];
/** One figure per method; null where it cannot be computed (no DF in the store, no MASE scale). */
export type ByMethod = Record<Method, number | null>;

export interface RespondentMetrics {
  readonly respondent: string;
  readonly forecasts: number;
  /** Scored forecast hours (forecast × horizon pairs): the hours every method is scored on. */
  readonly hours: number;
  /** Of those, the hours where the store has the BA's DF (dayAhead is scored on these). */
  readonly dayAheadHours: number;
  readonly mape: ByMethod;
  readonly mae: ByMethod;
  readonly mase: ByMethod;
  /** MASE denominator: in-sample seasonal-naive (168 h) MAE of reported demand on the train split, MWh. */
  readonly maseScale: number | null;
}

export interface ViewMetrics {
  readonly forecasts: number;
  readonly hours: number;
  /** Means over respondents (of those where the figure exists). */
  readonly mape: ByMethod;
  readonly mae: ByMethod;
  readonly mase: ByMethod;
  /** Medians over respondents. */
  readonly medianMape: ByMethod;
  readonly medianMae: ByMethod;
  readonly medianMase: ByMethod;
  readonly perRespondent: readonly RespondentMetrics[];
}

/** Which forecasts a view keeps: all, or only those issued at a given set of issue rows. */
export type ForecastFilter = (f: RespondentForecasts, n: number) => boolean;

interface Sums {
  abs: number;
  pct: number;
  n: number;
}

export function respondentMetrics(
  f: RespondentForecasts,
  scale: number | null,
  keep: ForecastFilter,
): RespondentMetrics {
  const zero = (): Sums => ({ abs: 0, pct: 0, n: 0 });
  const sums: Record<Method, Sums> = { model: zero(), seasonalNaive: zero(), naive24h: zero(), dayAhead: zero() };
  const H = f.horizon;
  let forecasts = 0;
  for (let n = 0; n < f.issued.length; n++) {
    if (!keep(f, n)) continue;
    forecasts++;
    for (let k = n * H; k < (n + 1) * H; k++) {
      if (f.scored[k] !== 1) continue;
      const a = f.actual[k] ?? Number.NaN;
      add(sums.model, f.forecast[k] ?? Number.NaN, a);
      add(sums.seasonalNaive, f.seasonalNaive[k] ?? Number.NaN, a);
      add(sums.naive24h, f.naive24h[k] ?? Number.NaN, a);
      const df = f.df[k] ?? Number.NaN;
      if (Number.isFinite(df)) add(sums.dayAhead, df, a);
    }
  }
  const per = (g: (s: Sums) => number | null): ByMethod => ({
    model: g(sums.model),
    seasonalNaive: g(sums.seasonalNaive),
    naive24h: g(sums.naive24h),
    dayAhead: g(sums.dayAhead),
  });
  const mae = per((s) => (s.n > 0 ? s.abs / s.n : null));
  return {
    respondent: f.respondent,
    forecasts,
    hours: sums.model.n,
    dayAheadHours: sums.dayAhead.n,
    mape: per((s) => (s.n > 0 ? (100 * s.pct) / s.n : null)),
    mae,
    mase: per((s) => (s.n > 0 && scale !== null ? s.abs / s.n / scale : null)),
    maseScale: scale,
  };
}

function add(s: Sums, forecast: number, actual: number): void {
  const e = Math.abs(forecast - actual);
  s.abs += e;
  s.pct += e / Math.abs(actual);
  s.n++;
}

/**
 * MASE scale (Hyndman & Koehler 2006, seasonal m = 168): mean |y_t − y_{t−168}| over train-split
 * hours t whose own and week-earlier demand were both reported and both lie in the train split.
 */
export function maseScale(s: RespondentSeries, train: SplitRange): number | null {
  const from = Math.max(train.firstHour - s.firstHour + SEASON_HOURS, SEASON_HOURS);
  const to = Math.min(train.lastHour - s.firstHour, s.rows - 1);
  let sum = 0;
  let n = 0;
  for (let t = from; t <= to; t++) {
    const d = (s.actual[t] ?? Number.NaN) - (s.actual[t - SEASON_HOURS] ?? Number.NaN);
    if (Number.isFinite(d)) {
      sum += Math.abs(d);
      n++;
    }
  }
  return n > 0 && sum > 0 ? sum / n : null;
}

export function viewMetrics(perRespondent: readonly RespondentMetrics[]): ViewMetrics {
  const over = (pick: (r: RespondentMetrics) => ByMethod, reduce: (xs: number[]) => number | null): ByMethod => {
    const by = (m: Method): number | null =>
      reduce(perRespondent.map((r) => pick(r)[m]).filter((x): x is number => x !== null));
    return {
      model: by('model'),
      seasonalNaive: by('seasonalNaive'),
      naive24h: by('naive24h'),
      dayAhead: by('dayAhead'),
    };
  };
  return {
    forecasts: perRespondent.reduce((n, r) => n + r.forecasts, 0),
    hours: perRespondent.reduce((n, r) => n + r.hours, 0),
    mape: over((r) => r.mape, mean),
    mae: over((r) => r.mae, mean),
    mase: over((r) => r.mase, mean),
    medianMape: over((r) => r.mape, median),
    medianMae: over((r) => r.mae, median),
    medianMase: over((r) => r.mase, median),
    perRespondent,
  };
}

export function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
