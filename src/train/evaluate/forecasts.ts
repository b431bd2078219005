// Runs the predictor over one respondent's planned windows and lays out every forecast beside the
// actuals and the baselines on the same target hours, all in MWh.
import type { SplitRange } from '../../features/index.ts';
import { linearFitted, linearForecast, type LinearBaseline } from './linear-baseline.ts';
import { planForecasts, type ForecastPlan, type PlannedWindow } from './plan.ts';
import { predictWindow, type Predictor } from './predictor.ts';
import { denormalise, type RespondentSeries } from './series.ts';
import { DAY_HOURS, WEEK_HOURS } from '../../core/index.ts';

/** Hours back of the seasonal-naive (same hour one week earlier) and naive-24 h baselines. */
export const SEASON_HOURS = WEEK_HOURS;
export { DAY_HOURS };

/** Every forecast of one respondent in a split. Arrays are [forecasts, horizon] row-major; NaN = none. */
export interface RespondentForecasts {
  readonly respondent: string;
  /** Hour-ending period of row 0, hours since 1970 (UTC). */
  readonly firstHour: number;
  readonly horizon: number;
  /** [forecasts] issue rows, ascending: forecast n is issued at the end of hour-ending row issued[n]. */
  readonly issued: Int32Array;
  /** The model's P50: the point forecast. */
  readonly forecast: Float64Array;
  /** The predictor's quantile levels, ascending (holding 0.5). */
  readonly quantileLevels: readonly number[];
  /** [forecasts, horizon, Q] the model's quantiles, MWh, sorted ascending within each hour. */
  readonly quantiles: Float64Array;
  readonly actual: Float64Array;
  /** The history value at target − 168 h and target − 24 h (reported or filled demand). */
  readonly seasonalNaive: Float64Array;
  readonly naive24h: Float64Array;
  readonly df: Float64Array;
  /** The linear DF-correction baseline, and 1 where it used its DF variant (DF known at issue time). */
  readonly linear: Float64Array;
  readonly linearWithDf: Uint8Array;
  /**
   * 1 where the target hour counts: demand reported (and ≠ 0), both naive baselines and (where the
   * respondent has it) the linear baseline defined; every method is scored on these hours (DF on
   * those of them where it exists).
   */
  readonly scored: Uint8Array;
  readonly windows: readonly PlannedWindow[];
  readonly plan: Omit<ForecastPlan, 'issued' | 'windows'>;
}

export interface RespondentInputs {
  readonly series: RespondentSeries;
  readonly split: SplitRange;
  readonly horizon: number;
  readonly linear: LinearBaseline;
}

export async function forecastRespondent(
  input: RespondentInputs,
  predictor: Predictor,
  onWindow?: (done: number, total: number) => void,
): Promise<RespondentForecasts> {
  const { series, split, horizon } = input;
  const plan = planForecasts({
    firstHour: series.firstHour,
    known: Uint8Array.from(series.history, (v) => (Number.isFinite(v) ? 1 : 0)),
    reported: Uint8Array.from(series.actual, (v) => (Number.isNaN(v) ? 0 : 1)),
    split,
    horizon,
    seqLen: predictor.seqLen,
  });
  const out = emptyForecasts(input, predictor.quantiles, plan);
  const Q = predictor.quantiles.length;
  let n = 0;
  for (const [k, w] of plan.windows.entries()) {
    const predicted = await predictWindow(predictor, series.code, w.start, horizon);
    for (; n < plan.issued.length && (plan.issued[n] ?? 0) <= w.to; n++) {
      const i = plan.issued[n] ?? 0;
      const row = predicted.subarray((i - w.start) * horizon * Q, (i - w.start + 1) * horizon * Q);
      fillForecast(out, input, n, i, row);
    }
    onWindow?.(k + 1, plan.windows.length);
  }
  return out;
}

function emptyForecasts(input: RespondentInputs, levels: readonly number[], plan: ForecastPlan): RespondentForecasts {
  const { series, horizon } = input;
  const count = plan.issued.length;
  const values = (): Float64Array => new Float64Array(count * horizon);
  const { issued, windows, ...rest } = plan;
  return {
    respondent: series.code,
    firstHour: series.firstHour,
    horizon,
    issued: Int32Array.from(issued),
    forecast: values(),
    quantileLevels: [...levels],
    quantiles: new Float64Array(count * horizon * levels.length),
    actual: values(),
    seasonalNaive: values(),
    naive24h: values(),
    df: values(),
    linear: values(),
    linearWithDf: new Uint8Array(count * horizon),
    scored: new Uint8Array(count * horizon),
    windows,
    plan: rest,
  };
}

/** Forecast n (issued at row i): z[(h − 1)·Q + q] is the normalised quantile q for row i + h. */
function fillForecast(out: RespondentForecasts, input: RespondentInputs, n: number, i: number, z: Float32Array): void {
  const s = input.series;
  const Q = out.quantileLevels.length;
  const median = out.quantileLevels.indexOf(0.5);
  const needLinear = linearFitted(input.linear);
  for (let h = 1; h <= out.horizon; h++) {
    const k = n * out.horizon + h - 1;
    const j = i + h;
    for (let q = 0; q < Q; q++) out.quantiles[k * Q + q] = denormalise(z[(h - 1) * Q + q] ?? Number.NaN, s.norm);
    const actual = s.actual[j] ?? Number.NaN;
    const sn = s.history[j - SEASON_HOURS] ?? Number.NaN;
    const n24 = s.history[j - DAY_HOURS] ?? Number.NaN;
    const linear = linearForecast(input.linear, s, i, h);
    out.forecast[k] = out.quantiles[k * Q + median] ?? Number.NaN;
    out.actual[k] = actual;
    out.seasonalNaive[k] = sn;
    out.naive24h[k] = n24;
    out.df[k] = s.df[j] ?? Number.NaN;
    out.linear[k] = linear.value;
    out.linearWithDf[k] = linear.variant === 'withDf' ? 1 : 0;
    const reported = Number.isFinite(actual) && actual !== 0;
    const baselines = Number.isFinite(sn) && Number.isFinite(n24) && (!needLinear || Number.isFinite(linear.value));
    out.scored[k] = reported && baselines ? 1 : 0;
  }
}
