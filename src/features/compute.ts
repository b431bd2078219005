// Computes the raw (un-normalised) feature columns of one respondent from its hourly grid.
// Every value at row t reads rows ≤ t only; NaN marks "not available" (masked, later 0).
import { CALENDAR_FEATURES, STANDARD_UTC_OFFSET, writeCalendar } from './calendar.ts';
import { DEMAND_LAGS, ROLLING_HOURS, type FeatureSpec } from './feature-spec.ts';
import { resolveGaps, type DemandGaps, type GapSettings } from './gaps.ts';
import type { RespondentGrid } from './grid.ts';
import { rollingStats } from './rolling.ts';
import { DEFAULT_SCREEN, screenSeries, trainLevel, withoutAnomalies } from './screen.ts';

export interface RespondentFeatures {
  readonly code: string;
  /** Hour-ending period of row 0, hours since 1970 (UTC). */
  readonly firstHour: number;
  readonly hours: number;
  /** Offset used for the calendar features (hours); 0 when the respondent is not in the table. */
  readonly utcOffset: number;
  /** One column per feature spec, raw units; NaN = not available. */
  readonly columns: Float64Array[];
  readonly gaps: DemandGaps;
  /** Screening class per hour of reported demand and of DF (screen.ts ANOMALY; 0 = clean or missing). */
  readonly anomaly: Uint8Array;
  readonly dfAnomaly: Uint8Array;
  /** Where `df` came from at each row: DF_SOURCE codes. */
  readonly dfSource: Uint8Array;
}

/** dfSource values: no forecast, EIA's DF, CAISO's SLD_FCST DAM (used only where DF is missing). */
export const DF_SOURCE = { none: 0, eia: 1, caiso: 2 } as const;

/** Rows [from, to) of the train split, for the train-fitted part of screening (screen.ts trainLevel). */
export interface TrainRows {
  readonly from: number;
  readonly to: number;
}

export function computeFeatures(
  grid: RespondentGrid,
  specs: readonly FeatureSpec[],
  gapSettings: GapSettings,
  train: TrainRows = { from: 0, to: 0 },
): RespondentFeatures {
  const n = grid.hours;
  // A flagged hour is treated as missing from here on: filled like a short gap, never a target.
  const screen = (x: Float64Array): Uint8Array => screenSeries(x, DEFAULT_SCREEN, trainLevel(x, train.from, train.to));
  const anomaly = screen(grid.demand);
  const dfAnomaly = grid.forecast === null ? new Uint8Array(n) : screen(grid.forecast);
  const gaps = resolveGaps(withoutAnomalies(grid.demand, anomaly), gapSettings);
  const columns = specs.map(() => new Float64Array(n));
  const col = (name: string): Float64Array => {
    const i = specs.findIndex((s) => s.name === name);
    const c = columns[i];
    if (c === undefined) throw new Error(`feature ${name} is not in the feature list`);
    return c;
  };
  const utcOffset = STANDARD_UTC_OFFSET[grid.code] ?? 0;
  col('demand_observed').set(gaps.observed);
  col('demand_filled').set(gaps.filled);
  writeCalendar(CALENDAR_FEATURES.map(col), grid.firstHour, n, utcOffset);
  writeDemand(gaps.value, col);
  writeNetLoad(gaps.value, grid, col);
  const forecast = grid.forecast === null ? null : withoutAnomalies(grid.forecast, dfAnomaly);
  const dfSource = writeForecast(grid, forecast, col);
  if (specs.some((s) => s.name === 'demand_anomaly')) {
    const flag = col('demand_anomaly');
    for (let t = 0; t < n; t++) flag[t] = anomaly[t] === 0 ? 0 : 1;
  }
  for (const spec of specs) {
    if (spec.name.startsWith('share_')) writeShare(grid, spec.name.slice('share_'.length), col(spec.name));
  }
  if (specs.some((s) => s.name === 'solar_forecast_dam'))
    writeAvailable(grid.caiso?.solarDam ?? null, col('solar_forecast_dam'), col('solar_forecast_dam_available'));
  if (specs.some((s) => s.name === 'wind_forecast_dam'))
    writeAvailable(grid.caiso?.windDam ?? null, col('wind_forecast_dam'), col('wind_forecast_dam_available'));
  return {
    code: grid.code,
    firstHour: grid.firstHour,
    hours: n,
    utcOffset,
    columns,
    gaps,
    anomaly,
    dfAnomaly,
    dfSource,
  };
}

type Column = (name: string) => Float64Array;

function writeDemand(demand: Float64Array, col: Column): void {
  col('demand').set(demand);
  for (const k of DEMAND_LAGS) lag(demand, k, col(`demand_lag_${k}`));
  for (const w of ROLLING_HOURS) {
    const s = rollingStats(demand, w);
    col(`demand_roll${w}_mean`).set(s.mean);
    col(`demand_roll${w}_std`).set(s.std);
    col(`demand_roll${w}_min`).set(s.min);
    col(`demand_roll${w}_max`).set(s.max);
  }
  ramp(demand, col('demand_ramp_1h'));
}

/** out[t] = x[t − k] (the clock hour k hours earlier on the complete index), NaN before row k. */
function lag(x: Float64Array, k: number, out: Float64Array): void {
  out.fill(Number.NaN, 0, Math.min(k, x.length));
  if (k < x.length) out.set(x.subarray(0, x.length - k), k);
}

function ramp(x: Float64Array, out: Float64Array): void {
  out[0] = Number.NaN;
  for (let t = 1; t < x.length; t++) out[t] = (x[t] ?? Number.NaN) - (x[t - 1] ?? Number.NaN);
}

/** Missing solar/wind counts as 0 generation; missing demand leaves net load unavailable. */
function writeNetLoad(demand: Float64Array, grid: RespondentGrid, col: Column): void {
  const out = col('net_load');
  const sun = grid.fuels.get('SUN');
  const wind = grid.fuels.get('WND');
  for (let t = 0; t < demand.length; t++) {
    const s = sun?.[t] ?? 0;
    const w = wind?.[t] ?? 0;
    out[t] = (demand[t] ?? Number.NaN) - (Number.isNaN(s) ? 0 : s) - (Number.isNaN(w) ? 0 : w);
  }
  ramp(out, col('net_load_ramp_1h'));
}

/**
 * df(t): EIA's DF where it is present, else CAISO's day-ahead load forecast (CISO only). Both are
 * published the day before hour t (CAISO's DAM closes at 10:00 Pacific and publishes its forecast
 * by about 13:00 the day before), so row t may hold them without reading the future.
 */
function writeForecast(grid: RespondentGrid, forecast: Float64Array | null, col: Column): Uint8Array {
  const df = col('df');
  const available = col('df_available');
  const source = new Uint8Array(grid.hours);
  const caiso = grid.caiso?.dayAheadLoad ?? null;
  df.fill(Number.NaN);
  if (forecast !== null) df.set(forecast);
  for (let t = 0; t < df.length; t++) {
    if (!Number.isNaN(df[t])) source[t] = DF_SOURCE.eia;
    else if (caiso !== null && !Number.isNaN(caiso[t])) {
      df[t] = caiso[t] ?? Number.NaN;
      source[t] = DF_SOURCE.caiso;
    }
    // Without any forecast the flag stays 0, as before CAISO input existed.
    if (forecast !== null || caiso !== null) available[t] = Number.isNaN(df[t]) ? 0 : 1;
  }
  return source;
}

/** out = x where present (NaN → masked, later 0 after normalisation); flag 1 there, 0 elsewhere. */
function writeAvailable(x: Float64Array | null, out: Float64Array, flagOut: Float64Array): void {
  if (x === null) {
    out.fill(Number.NaN);
    return;
  }
  out.set(x);
  for (let t = 0; t < x.length; t++) flagOut[t] = Number.isNaN(x[t]) ? 0 : 1;
}

/** share_f(t) = gen_f(t) / Σ gen(t) over the fuels reported at t; 0 when the total is not > 0. */
function writeShare(grid: RespondentGrid, fuel: string, out: Float64Array): void {
  const own = grid.fuels.get(fuel);
  if (own === undefined) return;
  const total = totalGeneration(grid);
  for (let t = 0; t < out.length; t++) {
    const v = own[t] ?? Number.NaN;
    const sum = total[t] ?? 0;
    out[t] = Number.isNaN(v) || !(sum > 0) ? 0 : v / sum;
  }
}

const totals = new WeakMap<RespondentGrid, Float64Array>();

function totalGeneration(grid: RespondentGrid): Float64Array {
  let total = totals.get(grid);
  if (total !== undefined) return total;
  total = new Float64Array(grid.hours);
  for (const gen of grid.fuels.values()) {
    for (let t = 0; t < total.length; t++) {
      const v = gen[t] ?? Number.NaN;
      if (!Number.isNaN(v)) total[t] = (total[t] ?? 0) + v;
    }
  }
  totals.set(grid, total);
  return total;
}
