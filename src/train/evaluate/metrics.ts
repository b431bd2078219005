// Forecast accuracy per respondent for the model and the baselines on the same scored hours: MAPE
// (%), MAE (MWh) and MASE overall and MAPE by lead time; MAPE ratios of the model to DF and to the
// linear baseline; pinball loss and P10–P90 coverage; the Diebold–Mariano test of model vs DF; and
// their mean and median over respondents.
import type { SplitRange } from '../../features/index.ts';
import { dieboldMariano, type DieboldMariano } from './diebold-mariano.ts';
import { SEASON_HOURS, type RespondentForecasts } from './forecasts.ts';
import { QuantileSums, type PinballMetrics } from './probabilistic.ts';
import type { RespondentSeries } from './series.ts';
import { median } from '../../core/index.ts';

export const METHODS = ['model', 'dayAhead', 'linear', 'naive24h', 'seasonalNaive'] as const;
export type Method = (typeof METHODS)[number];
/** One figure per method; null where it cannot be computed (no DF in the store, no MASE scale). */
export type ByMethod = Record<Method, number | null>;
/** Per method, one figure per lead time h = 1 … horizon (index h − 1). */
export type ByMethodByLead = Record<Method, readonly (number | null)[]>;

/** MAPE ratios on the hours both methods were scored on (model vs DF: the hours with DF). */
export interface Ratios {
  readonly modelToDayAhead: number | null;
  readonly modelToLinear: number | null;
  /** 1 − modelToDayAhead: > 0 when the model beats DF. */
  readonly skillVsDayAhead: number | null;
}

export interface RespondentMetrics {
  readonly respondent: string;
  readonly forecasts: number;
  /** Scored forecast hours (forecast × horizon pairs): the hours every method is scored on. */
  readonly hours: number;
  /** Of those, the hours where the store has the BA's DF (dayAhead is scored on these). */
  readonly dayAheadHours: number;
  /** Of those, the hours where the linear baseline used its DF variant (DF known at issue time). */
  readonly linearWithDfHours: number;
  readonly mape: ByMethod;
  readonly mae: ByMethod;
  readonly mase: ByMethod;
  readonly mapeByLead: ByMethodByLead;
  readonly ratios: Ratios;
  /** The model's quantiles; null for a point model (Q = 1). */
  readonly pinball: PinballMetrics | null;
  /** % of scored hours inside the model's P10–P90 interval; null without those quantiles. */
  readonly coverage: number | null;
  /** Model vs DF on the hours with DF; null without DF (or too few forecasts). */
  readonly dieboldMariano: DieboldMariano | null;
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
  readonly mapeByLead: ByMethodByLead;
  readonly ratios: Ratios;
  readonly pinballRelativePercent: number | null;
  readonly coverage: number | null;
  /** Medians over respondents. */
  readonly medianMape: ByMethod;
  readonly medianMae: ByMethod;
  readonly medianMase: ByMethod;
  readonly perRespondent: readonly RespondentMetrics[];
}

/** Which forecasts a view keeps: all, or only those issued at a given set of issue rows. */
export type ForecastFilter = (f: RespondentForecasts, n: number) => boolean;

/**
 * A view of the forecasts: which it keeps, and how the Diebold–Mariano test sees them (the time
 * index of forecast n, the HAC lag and the forecasts' step count h of the HLN correction).
 */
export interface ViewSpec {
  readonly keep: ForecastFilter;
  readonly dm: {
    readonly lag: number;
    readonly steps: number;
    readonly index: (f: RespondentForecasts, n: number) => number;
  };
}

class ErrorSums {
  abs = 0;
  pct = 0;
  n = 0;
  readonly leadPct: Float64Array;
  readonly leadN: Float64Array;
  constructor(horizon: number) {
    this.leadPct = new Float64Array(horizon);
    this.leadN = new Float64Array(horizon);
  }
  add(forecast: number, actual: number, lead: number): number {
    const e = Math.abs(forecast - actual);
    this.abs += e;
    this.pct += e / Math.abs(actual);
    this.n++;
    this.leadPct[lead] = (this.leadPct[lead] ?? 0) + e / Math.abs(actual);
    this.leadN[lead] = (this.leadN[lead] ?? 0) + 1;
    return e;
  }
  mape(): number | null {
    return this.n > 0 ? (100 * this.pct) / this.n : null;
  }
  mapeByLead(): (number | null)[] {
    return Array.from(this.leadN, (n, h) => (n > 0 ? (100 * (this.leadPct[h] ?? 0)) / n : null));
  }
}

/** One value per method, in METHODS order. */
export function byMethod<T>(f: (m: Method) => T): Record<Method, T> {
  return {
    model: f('model'),
    dayAhead: f('dayAhead'),
    linear: f('linear'),
    naive24h: f('naive24h'),
    seasonalNaive: f('seasonalNaive'),
  };
}

const methodValues = (f: RespondentForecasts): Record<Method, Float64Array> => ({
  model: f.forecast,
  dayAhead: f.df,
  linear: f.linear,
  naive24h: f.naive24h,
  seasonalNaive: f.seasonalNaive,
});

export function respondentMetrics(f: RespondentForecasts, scale: number | null, view: ViewSpec): RespondentMetrics {
  const H = f.horizon;
  const Q = f.quantileLevels.length;
  const sums = byMethod(() => new ErrorSums(H));
  const modelOnDf = new ErrorSums(H);
  const quantiles = new QuantileSums(f.quantileLevels);
  const values = methodValues(f);
  const dmIndex: number[] = [];
  const dmLoss: number[] = [];
  let forecasts = 0;
  let linearWithDf = 0;
  for (let n = 0; n < f.issued.length; n++) {
    if (!view.keep(f, n)) continue;
    forecasts++;
    let diff = 0;
    let withDf = 0;
    for (let k = n * H; k < (n + 1) * H; k++) {
      if (f.scored[k] !== 1) continue;
      const a = f.actual[k] ?? Number.NaN;
      const lead = k - n * H;
      for (const m of METHODS) {
        const v = values[m][k] ?? Number.NaN;
        if (Number.isFinite(v)) sums[m].add(v, a, lead);
      }
      quantiles.add(f.quantiles.subarray(k * Q, (k + 1) * Q), a);
      if (f.linearWithDf[k] === 1) linearWithDf++;
      const df = f.df[k] ?? Number.NaN;
      if (!Number.isFinite(df)) continue;
      diff += modelOnDf.add(f.forecast[k] ?? Number.NaN, a, lead) - Math.abs(df - a);
      withDf++;
    }
    if (withDf > 0) {
      dmIndex.push(view.dm.index(f, n));
      dmLoss.push(diff / withDf);
    }
  }
  const per = (g: (s: ErrorSums) => number | null): ByMethod => byMethod((m) => g(sums[m]));
  return {
    respondent: f.respondent,
    forecasts,
    hours: sums.model.n,
    dayAheadHours: sums.dayAhead.n,
    linearWithDfHours: linearWithDf,
    mape: per((s) => s.mape()),
    mae: per((s) => (s.n > 0 ? s.abs / s.n : null)),
    mase: per((s) => (s.n > 0 && scale !== null ? s.abs / s.n / scale : null)),
    mapeByLead: byMethod((m) => sums[m].mapeByLead()),
    ratios: ratios(modelOnDf.mape(), sums.dayAhead.mape(), sums.model.mape(), sums.linear),
    pinball: quantiles.pinball(),
    coverage: quantiles.coverage(),
    dieboldMariano: dieboldMariano(dmIndex, dmLoss, view.dm.lag, view.dm.steps),
    maseScale: scale,
  };
}

function ratios(modelOnDf: number | null, df: number | null, model: number | null, linear: ErrorSums): Ratios {
  const over = (a: number | null, b: number | null): number | null =>
    a === null || b === null || b === 0 ? null : a / b;
  // The linear baseline is scored on every scored hour when the respondent has it (else on none).
  const modelToLinear = linear.n > 0 ? over(model, linear.mape()) : null;
  const modelToDayAhead = over(modelOnDf, df);
  return { modelToDayAhead, modelToLinear, skillVsDayAhead: modelToDayAhead === null ? null : 1 - modelToDayAhead };
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
  const present = (xs: readonly (number | null)[]): number[] => xs.filter((x): x is number => x !== null);
  const over = (pick: (r: RespondentMetrics) => ByMethod, reduce: (xs: number[]) => number | null): ByMethod =>
    byMethod((m) => reduce(present(perRespondent.map((r) => pick(r)[m]))));
  const horizon = perRespondent[0]?.mapeByLead.model.length ?? 0;
  const byLead = byMethod((m) =>
    Array.from({ length: horizon }, (_, h) => mean(present(perRespondent.map((r) => r.mapeByLead[m][h] ?? null)))),
  );
  const meanOf = (pick: (r: RespondentMetrics) => number | null): number | null =>
    mean(present(perRespondent.map(pick)));
  return {
    forecasts: perRespondent.reduce((n, r) => n + r.forecasts, 0),
    hours: perRespondent.reduce((n, r) => n + r.hours, 0),
    mape: over((r) => r.mape, mean),
    mae: over((r) => r.mae, mean),
    mase: over((r) => r.mase, mean),
    mapeByLead: byLead,
    ratios: {
      modelToDayAhead: meanOf((r) => r.ratios.modelToDayAhead),
      modelToLinear: meanOf((r) => r.ratios.modelToLinear),
      skillVsDayAhead: meanOf((r) => r.ratios.skillVsDayAhead),
    },
    pinballRelativePercent: meanOf((r) => r.pinball?.relativePercent ?? null),
    coverage: meanOf((r) => r.coverage),
    medianMape: over((r) => r.mape, medianOrNull),
    medianMae: over((r) => r.mae, medianOrNull),
    medianMase: over((r) => r.mase, medianOrNull),
    perRespondent,
  };
}

export function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Median over respondents; null when none has the figure (as mean()). */
function medianOrNull(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : median(xs);
}
