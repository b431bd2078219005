// The forecasts as an Arrow IPC file (one record batch per respondent) that Polars, pandas and
// DuckDB read as is: one row per forecast and target hour, values in MWh, null where absent.
import {
  Bool,
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  tableToIPC,
  type Data,
} from 'apache-arrow';
import { writeFileAtomic } from './atomic-write.ts';
import type { Evaluation } from './evaluate.ts';
import type { RespondentForecasts } from './forecasts.ts';
import { HOUR_MS } from '../../core/index.ts';

export const FORECASTS_SCHEMA = 'wattring.forecasts/2';

/** Writes `file` atomically; returns the rows written. */
export function writeForecastsArrow(file: string, evaluation: Evaluation): { rows: number; bytes: number } {
  const levels = evaluation.report.quantiles;
  const fields = schemaFields(levels);
  const schema = new Schema(
    fields,
    new Map([
      ['wattring.schema', FORECASTS_SCHEMA],
      ['wattring.split', evaluation.report.split],
      ['wattring.seqLen', String(evaluation.report.seqLen)],
      ['wattring.quantiles', levels.join(',')],
    ]),
  );
  const batches = evaluation.respondents.map((f) => {
    const columns = respondentColumns(f);
    const struct = makeData({ type: new Struct(fields), length: f.forecast.length, nullCount: 0, children: columns });
    return new RecordBatch(schema, struct);
  });
  const bytes = tableToIPC(new Table(schema, batches), 'file');
  writeFileAtomic(file, bytes);
  return { rows: batches.reduce((n, b) => n + b.numRows, 0), bytes: bytes.length };
}

/** Column name of quantile level τ: forecast_p10 for 0.1, forecast_p2_5 for 0.025. */
export function quantileColumn(tau: number): string {
  return `forecast_p${String(Math.round(tau * 1e6) / 1e4).replace('.', '_')}`;
}

function schemaFields(levels: readonly number[]): Field[] {
  const mwh = (name: string, description: string): Field =>
    new Field(
      name,
      new Float64(),
      true,
      new Map([
        ['wattring.unit', 'MWh'],
        ['wattring.description', description],
      ]),
    );
  return [
    new Field(
      'period',
      new TimestampMillisecond('UTC'),
      false,
      new Map([['wattring.description', 'target hour, hour-ending']]),
    ),
    new Field(
      'issued',
      new TimestampMillisecond('UTC'),
      false,
      new Map([['wattring.description', 'the forecast was issued at this instant (end of the hour ending here)']]),
    ),
    new Field('respondent', new Utf8(), false),
    new Field('horizon', new Int32(), false, new Map([['wattring.unit', 'h']])),
    mwh('forecast', "the model's point forecast (its P50)"),
    ...levels.map((tau) => mwh(quantileColumn(tau), `the model's ${tau} quantile (sorted across levels per hour)`)),
    mwh('actual', 'reported demand; null where not reported (filled and gap hours)'),
    mwh('seasonal_naive', 'demand at period − 168 h (reported or filled)'),
    mwh('naive_24h', 'demand at period − 24 h (reported or filled)'),
    mwh('df', "the BA's own day-ahead forecast; null where absent"),
    mwh(
      'linear',
      'the linear DF-correction baseline (robust fit on the train split); null where its inputs are missing',
    ),
    new Field(
      'linear_uses_df',
      new Bool(),
      false,
      new Map([
        ['wattring.description', 'the linear baseline used DF (known at issue time under the publication rule)'],
      ]),
    ),
    new Field('scored', new Bool(), false, new Map([['wattring.description', 'the hour counts in the metrics']])),
  ];
}

function respondentColumns(f: RespondentForecasts): Data[] {
  const rows = f.forecast.length;
  const period = new BigInt64Array(rows);
  const issued = new BigInt64Array(rows);
  const horizon = new Int32Array(rows);
  f.issued.forEach((i, n) => {
    for (let h = 1; h <= f.horizon; h++) {
      const k = n * f.horizon + h - 1;
      issued[k] = BigInt((f.firstHour + i) * HOUR_MS);
      period[k] = BigInt((f.firstHour + i + h) * HOUR_MS);
      horizon[k] = h;
    }
  });
  return [
    makeData({ type: new TimestampMillisecond('UTC'), length: rows, nullCount: 0, data: period }),
    makeData({ type: new TimestampMillisecond('UTC'), length: rows, nullCount: 0, data: issued }),
    repeatedString(f.respondent, rows),
    makeData({ type: new Int32(), length: rows, nullCount: 0, data: horizon }),
    nullable(f.forecast),
    ...f.quantileLevels.map((_, q) => nullable(quantileValues(f, q))),
    nullable(f.actual),
    nullable(f.seasonalNaive),
    nullable(f.naive24h),
    nullable(f.df),
    nullable(f.linear),
    makeData({ type: new Bool(), length: rows, nullCount: 0, data: packBits(f.linearWithDf) }),
    makeData({ type: new Bool(), length: rows, nullCount: 0, data: packBits(f.scored) }),
  ];
}

/** [forecasts × horizon] level q of the [forecasts, horizon, Q] quantiles. */
function quantileValues(f: RespondentForecasts, q: number): Float64Array {
  const Q = f.quantileLevels.length;
  return Float64Array.from({ length: f.forecast.length }, (_, k) => f.quantiles[k * Q + q] ?? Number.NaN);
}

/** A Utf8 column holding one string on every row. */
function repeatedString(value: string, rows: number): Data<Utf8> {
  const one = Buffer.from(value, 'utf8');
  const data = new Uint8Array(one.length * rows);
  const offsets = new Int32Array(rows + 1);
  for (let r = 0; r < rows; r++) {
    data.set(one, r * one.length);
    offsets[r + 1] = (r + 1) * one.length;
  }
  return makeData({ type: new Utf8(), length: rows, nullCount: 0, data, valueOffsets: offsets });
}

/** Float64 with NaN written as null (a validity bitmap), so readers see missing, not NaN. */
function nullable(values: Float64Array): Data<Float64> {
  const valid = new Uint8Array(values.length);
  let nulls = 0;
  values.forEach((v, k) => {
    if (Number.isNaN(v)) nulls++;
    else valid[k] = 1;
  });
  return makeData({
    type: new Float64(),
    length: values.length,
    nullCount: nulls,
    data: values,
    nullBitmap: packBits(valid),
  });
}

function packBits(flags: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(flags.length / 8));
  for (let k = 0; k < flags.length; k++) if (flags[k] === 1) out[k >> 3] = (out[k >> 3] ?? 0) | (1 << (k & 7));
  return out;
}
