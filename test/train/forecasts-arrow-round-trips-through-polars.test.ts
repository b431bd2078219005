// The forecasts file: Arrow IPC written atomically, read by nodejs-polars as typed columns
// (timestamps, strings, MWh floats with nulls), holding exactly the hours the metrics scored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import { evaluate, writeForecastsArrow, type Evaluation } from '../../src/train/evaluate/index.ts';
import { tempDir } from '../features/support/world.ts';
import { bandPredictor, buildEvalStore, HORIZON } from './support/eval-store.ts';

const tmp = tempDir('eval-arrow');
afterAll(() => tmp.cleanup());

let evaluation: Evaluation;
const file = join(tmp.dir, 'out', 'forecasts.arrow');
beforeAll(async () => {
  const store = buildEvalStore(tmp.dir, 'store', { nullRate: 0.02 });
  // P50 = naive-24 h, P10/P90 = P50 ∓ 0.3 σ (returned out of order: evaluation sorts them).
  evaluation = await evaluate(store, bandPredictor(store, 240, 0.3), { split: 'test' });
  writeForecastsArrow(file, evaluation);
});

const COLUMNS = [
  'period',
  'issued',
  'respondent',
  'horizon',
  'forecast',
  'forecast_p10',
  'forecast_p50',
  'forecast_p90',
  'actual',
  'seasonal_naive',
  'naive_24h',
  'df',
  'linear',
  'linear_uses_df',
  'scored',
];

describe('forecasts Arrow file', () => {
  it('is read by nodejs-polars with named, typed columns, one row per forecast hour', () => {
    const df = pl.readIPC(readFileSync(file));
    expect(df.columns).toEqual(COLUMNS);
    const rows = evaluation.respondents.reduce((n, f) => n + f.issued.length * HORIZON, 0);
    expect(df.height).toBe(rows);
    expect(String(df.getColumn('period').dtype)).toMatch(/Datetime/);
    expect(String(df.getColumn('issued').dtype)).toMatch(/Datetime/);
    expect(String(df.getColumn('respondent').dtype)).toMatch(/String|Utf8/);
    expect(String(df.getColumn('horizon').dtype)).toMatch(/Int32/);
    for (const c of ['forecast', 'forecast_p10', 'forecast_p50', 'forecast_p90', 'actual', 'seasonal_naive', 'linear'])
      expect(String(df.getColumn(c).dtype)).toMatch(/Float64/);
    for (const c of ['scored', 'linear_uses_df']) expect(String(df.getColumn(c).dtype)).toMatch(/Bool/);
    const unreported = evaluation.respondents.reduce((n, f) => n + f.actual.filter(Number.isNaN).length, 0);
    expect(unreported).toBeGreaterThan(0);
    expect(df.getColumn('actual').nullCount()).toBe(unreported);
    expect(df.getColumn('forecast').nullCount()).toBe(0);
  });

  it('holds the same values as the evaluation, period = issued + horizon hours', () => {
    const t = tableFromIPC(readFileSync(file));
    const period = t.getChild('period')?.toArray();
    const issued = t.getChild('issued')?.toArray();
    const horizon = t.getChild('horizon')?.toArray();
    const forecast = t.getChild('forecast');
    expect(t.schema.metadata.get('wattring.schema')).toBe('wattring.forecasts/2');
    expect(t.schema.metadata.get('wattring.quantiles')).toBe('0.1,0.5,0.9');
    const p10 = t.getChild('forecast_p10');
    const p50 = t.getChild('forecast_p50');
    const p90 = t.getChild('forecast_p90');
    const linear = t.getChild('linear');
    let k = 0;
    let wrongPeriod = 0;
    let wrongValue = 0;
    for (const f of evaluation.respondents) {
      for (let m = 0; m < f.forecast.length; m++, k++) {
        if (Number(period?.[k]) - Number(issued?.[k]) !== Number(horizon?.[k]) * 3_600_000) wrongPeriod++;
        if (forecast?.get(k) !== f.forecast[m]) wrongValue++; // f64 written as is: bit-equal
        if (p50?.get(k) !== f.forecast[m] || linear?.get(k) !== f.linear[m]) wrongValue++;
        if (p10?.get(k) !== f.quantiles[3 * m] || p90?.get(k) !== f.quantiles[3 * m + 2]) wrongValue++;
        if (!((p10?.get(k) ?? 0) <= (p50?.get(k) ?? 0) && (p50?.get(k) ?? 0) <= (p90?.get(k) ?? 0))) wrongValue++;
      }
      expect(Number(issued?.[k - 1])).toBe((f.firstHour + (f.issued[f.issued.length - 1] ?? 0)) * 3_600_000);
    }
    expect(k).toBe(t.numRows);
    expect({ wrongPeriod, wrongValue }).toEqual({ wrongPeriod: 0, wrongValue: 0 });
  });

  it('reproduces the report: MAPE from the scored rows, per respondent, in Polars', () => {
    const df = pl
      .readIPC(readFileSync(file))
      .filter(pl.col('scored'))
      .groupBy('respondent')
      .agg(
        pl.col('forecast').sub(pl.col('actual')).abs().div(pl.col('actual')).mean().mul(100).alias('model'),
        pl.col('seasonal_naive').sub(pl.col('actual')).abs().div(pl.col('actual')).mean().mul(100).alias('sn'),
        pl.col('forecast').count().alias('hours'),
        pl.col('linear').sub(pl.col('actual')).abs().div(pl.col('actual')).mean().mul(100).alias('linear'),
        pl
          .col('actual')
          .greaterThanEquals(pl.col('forecast_p10'))
          .and(pl.col('actual').lessThanEquals(pl.col('forecast_p90')))
          .cast(pl.Float64)
          .mean()
          .mul(100)
          .alias('coverage'),
      );
    const rows = df.toRecords();
    expect(rows.length).toBe(2);
    for (const m of evaluation.report.perRespondent) {
      const row = rows.find((x) => x.respondent === m.respondent);
      expect(Number(row?.hours)).toBe(m.hours);
      // the same f64 terms summed in another order: relative 1e-12
      expect(Math.abs(Number(row?.model) - (m.mape.model ?? 0))).toBeLessThan(1e-12 * (m.mape.model ?? 0) + 1e-12);
      expect(Math.abs(Number(row?.sn) - (m.mape.seasonalNaive ?? 0))).toBeLessThan(
        1e-12 * (m.mape.seasonalNaive ?? 0) + 1e-12,
      );
      expect(Math.abs(Number(row?.linear) - (m.mape.linear ?? 0))).toBeLessThan(1e-12 * (m.mape.linear ?? 0) + 1e-12);
      expect(Math.abs(Number(row?.coverage) - (m.coverage ?? 0))).toBeLessThan(1e-9);
    }
  });

  it('replaces an older file whole and leaves no temp file; an unwritable path is a clear error', () => {
    writeFileSync(join(tmp.dir, 'out', 'old.arrow'), 'old');
    writeForecastsArrow(join(tmp.dir, 'out', 'old.arrow'), evaluation);
    expect(pl.readIPC(readFileSync(join(tmp.dir, 'out', 'old.arrow'))).height).toBeGreaterThan(0);
    expect(readdirSync(join(tmp.dir, 'out')).sort()).toEqual(['forecasts.arrow', 'old.arrow']);
    const blocked = join(tmp.dir, 'out', 'forecasts.arrow', 'x.arrow'); // a folder that is a file
    expect(() => writeForecastsArrow(blocked, evaluation)).toThrow(
      expect.objectContaining({ code: 'TRAIN_EVAL_WRITE_FAILED', message: expect.stringContaining(blocked) }),
    );
    expect(readdirSync(join(tmp.dir, 'out')).sort()).toEqual(['forecasts.arrow', 'old.arrow']);
  });
});
