// Runs the predictor over one respondent's planned windows and lays out every forecast beside the
// actuals and the baselines on the same target hours, all in MWh.
import { planForecasts, type ForecastPlan, type PlannedWindow } from './plan.ts';
import { predictWindow, type Predictor } from './predictor.ts';
import { denormalise, type RespondentSeries } from './series.ts';
import type { SplitRange } from '../../features/index.ts';

/** Hours back of the seasonal-naive (same hour one week earlier) and naive-24 h baselines. */
export const SEASON_HOURS = 168;
export const DAY_HOURS = 24;

/** Every forecast of one respondent in a split. Arrays are [forecasts, horizon] row-major; NaN = none. */
export interface RespondentForecasts {
  readonly respondent: string;
  /** Hour-ending period of row 0, hours since 1970 (UTC). */
  readonly firstHour: number;
  readonly horizon: number;
  /** [forecasts] issue rows, ascending: forecast n is issued at the end of hour-ending row issued[n]. */
  readonly issued: Int32Array;
  readonly forecast: Float64Array;
  readonly actual: Float64Array;
  /** The history value at target − 168 h and target − 24 h (reported or filled demand). */
  readonly seasonalNaive: Float64Array;
  readonly naive24h: Float64Array;
  readonly df: Float64Array;
  /** 1 where the target hour counts: demand reported (and ≠ 0) and both naive baselines defined. */
  readonly scored: Uint8Array;
  readonly windows: readonly PlannedWindow[];
  readonly plan: Pick<ForecastPlan, 'first' | 'last' | 'skipped'>;
}

export async function forecastRespondent(
  series: RespondentSeries,
  longGap: Uint8Array,
  split: SplitRange,
  horizon: number,
  predictor: Predictor,
  onWindow?: (done: number, total: number) => void,
): Promise<RespondentForecasts> {
  const plan = planForecasts({ firstHour: series.firstHour, longGap, split, horizon, seqLen: predictor.seqLen });
  const count = plan.windows.reduce((n, w) => n + w.to - w.from + 1, 0);
  const out = emptyForecasts(series, horizon, count, plan);
  let n = 0;
  for (const [k, w] of plan.windows.entries()) {
    const predicted = await predictWindow(predictor, series.code, w.start, horizon);
    const Q = predictor.quantiles.length;
    const median = predictor.quantiles.indexOf(0.5);
    for (let i = w.from; i <= w.to; i++, n++) {
      out.issued[n] = i;
      const row = predicted.subarray((i - w.start) * horizon * Q, (i - w.start + 1) * horizon * Q);
      fillForecast(out, series, n, i, (h) => row[(h - 1) * Q + median] ?? Number.NaN);
    }
    onWindow?.(k + 1, plan.windows.length);
  }
  return out;
}

function emptyForecasts(
  series: RespondentSeries,
  horizon: number,
  count: number,
  plan: ForecastPlan,
): RespondentForecasts {
  const values = (): Float64Array => new Float64Array(count * horizon);
  return {
    respondent: series.code,
    firstHour: series.firstHour,
    horizon,
    issued: new Int32Array(count),
    forecast: values(),
    actual: values(),
    seasonalNaive: values(),
    naive24h: values(),
    df: values(),
    scored: new Uint8Array(count * horizon),
    windows: plan.windows,
    plan: { first: plan.first, last: plan.last, skipped: plan.skipped },
  };
}

/** Forecast n (issued at row i): z(h) is the normalised P50 for row i + h. */
function fillForecast(
  out: RespondentForecasts,
  s: RespondentSeries,
  n: number,
  i: number,
  z: (h: number) => number,
): void {
  for (let h = 1; h <= out.horizon; h++) {
    const k = n * out.horizon + h - 1;
    const j = i + h;
    const actual = s.actual[j] ?? Number.NaN;
    const sn = s.history[j - SEASON_HOURS] ?? Number.NaN;
    const n24 = s.history[j - DAY_HOURS] ?? Number.NaN;
    out.forecast[k] = denormalise(z(h), s.norm);
    out.actual[k] = actual;
    out.seasonalNaive[k] = sn;
    out.naive24h[k] = n24;
    out.df[k] = s.df[j] ?? Number.NaN;
    out.scored[k] = Number.isFinite(actual) && actual !== 0 && Number.isFinite(sn) && Number.isFinite(n24) ? 1 : 0;
  }
}
