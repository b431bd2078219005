// The simulated data looks like a grid: a fuel mix that adds up to net generation, NG ≈ D + TI,
// morning and evening peaks, lower weekends, summer and winter peaks, autocorrelated solar and
// wind, ~2% missing hours and a few absent rows; and it is the same after a server restart.
import { describe, expect, it } from 'vitest';
import {
  simulatedMissing,
  simulatedRows,
  simulatedTotal,
  startEiaSimServer,
  type SimRow,
} from '../../src/ingest/sim/index.ts';

const FUELS = ['COL', 'NG', 'NUC', 'OIL', 'OTH', 'SUN', 'WAT', 'WND'];
const REGION = ['D', 'DF', 'NG', 'TI'];

/** Local standard time of the start of the hour a row's hour-ending period closes. */
function localStart(row: SimRow, utcOffset: number): Date {
  return new Date(Date.parse(`${row.period}:00Z`) + (utcOffset - 1) * 3_600_000);
}

function byKey(rows: SimRow[]): Map<string, number | null> {
  return new Map(rows.map((r) => [`${r.period}|${r.respondent}|${r.series}`, r.value]));
}

function lag1(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = (xs[i] ?? 0) - mean;
    den += d * d;
    if (i > 0) num += d * ((xs[i - 1] ?? 0) - mean);
  }
  return num / den;
}

function meanBy<K>(rows: SimRow[], group: (r: SimRow) => K | undefined): Map<K, number> {
  const sums = new Map<K, [number, number]>();
  for (const r of rows) {
    const k = group(r);
    if (r.value === null || k === undefined) continue;
    const s = sums.get(k) ?? [0, 0];
    sums.set(k, [s[0] + r.value, s[1] + 1]);
  }
  return new Map([...sums].map(([k, [sum, n]]) => [k, sum / n]));
}

describe('simulated EIA data structure', () => {
  const BAS = ['PACW', 'ERCO', 'CISO', 'MISO', 'PJM'];
  const region = simulatedRows(1, 'region-data', BAS, REGION, '2023-01-01T00', '2023-12-31T23');
  const fuel = simulatedRows(1, 'fuel-type-data', BAS, FUELS, '2023-01-01T00', '2023-12-31T23');

  it('has a fuel mix that adds up exactly to net generation, and NG ≈ D + TI within 1.5% of demand', () => {
    const fuels = new Map<string, { sum: number; complete: boolean; n: number }>();
    for (const r of fuel) {
      const k = `${r.period}|${r.respondent}`;
      const f = fuels.get(k) ?? { sum: 0, complete: true, n: 0 };
      fuels.set(k, { sum: f.sum + (r.value ?? 0), complete: f.complete && r.value !== null, n: f.n + 1 });
    }
    const values = byKey(region);
    let checked = 0;
    const wrongSum: string[] = [];
    const wrongTi: string[] = [];
    for (const r of region) {
      if (r.series !== 'NG' || r.value === null) continue;
      const f = fuels.get(`${r.period}|${r.respondent}`);
      const d = values.get(`${r.period}|${r.respondent}|D`);
      const ti = values.get(`${r.period}|${r.respondent}|TI`);
      if (f?.complete && f.n === (r.respondent === 'PACW' ? 5 : r.respondent === 'ERCO' ? 7 : 8)) {
        if (f.sum !== r.value) wrongSum.push(`${r.period} ${r.respondent}: ${f.sum} vs ${r.value}`);
        checked++;
      }
      if (typeof d === 'number' && typeof ti === 'number' && Math.abs(r.value - d - ti) > 0.015 * d)
        wrongTi.push(`${r.period} ${r.respondent}`);
    }
    expect(wrongSum).toEqual([]);
    expect(wrongTi).toEqual([]);
    expect(checked).toBeGreaterThan(0.8 * 8760 * BAS.length);
  });

  it('has morning and evening demand peaks on winter weekdays, the evening one highest', () => {
    const pjm = region.filter((r) => r.respondent === 'PJM' && r.series === 'D');
    const profile = meanBy(pjm, (r) => {
      const t = localStart(r, -5);
      return t.getUTCMonth() === 0 && t.getUTCDay() % 6 !== 0 ? t.getUTCHours() : undefined;
    });
    const at = (h: number): number => profile.get(h) ?? Number.NaN;
    const peak = [...profile].reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(peak[0]).toBeGreaterThanOrEqual(17);
    expect(peak[0]).toBeLessThanOrEqual(21);
    const morning = Math.max(at(7), at(8), at(9));
    expect(morning).toBeGreaterThan(1.1 * at(3)); // the morning ramp out of the night trough
    expect(morning).toBeGreaterThan(at(13)); // and a dip before the evening
  });

  it('has lower weekend demand and summer and winter peaks over the spring shoulder', () => {
    for (const ba of ['PJM', 'ERCO', 'MISO']) {
      const d = region.filter((r) => r.respondent === ba && r.series === 'D');
      const week = meanBy(d, (r) => (localStart(r, -6).getUTCDay() % 6 === 0 ? 'weekend' : 'weekday'));
      expect((week.get('weekday') ?? 0) / (week.get('weekend') ?? 1), ba).toBeGreaterThan(1.04);
      const month = meanBy(d, (r) => localStart(r, -6).getUTCMonth());
      const april = month.get(3) ?? Number.NaN;
      expect(Math.max(month.get(6) ?? 0, month.get(7) ?? 0), `${ba} summer`).toBeGreaterThan(1.08 * april);
      if (ba !== 'ERCO')
        expect(Math.max(month.get(0) ?? 0, month.get(1) ?? 0), `${ba} winter`).toBeGreaterThan(1.04 * april);
    }
  });

  it('drives demand with autocorrelated weather and gives solar a daylight curve and wind persistence', () => {
    const daily = [
      ...meanBy(
        region.filter((r) => r.respondent === 'PJM' && r.series === 'D' && r.period.slice(5, 7) === '07'),
        (r) => r.period.slice(0, 10),
      ).values(),
    ];
    expect(lag1(daily)).toBeGreaterThan(0.4); // heat waves last days
    const sun = fuel.filter((r) => r.respondent === 'CISO' && r.series === 'SUN');
    const byHour = meanBy(sun, (r) => localStart(r, -8).getUTCHours());
    // night: nothing or a small draw
    expect(Math.max(byHour.get(0) ?? 1, byHour.get(2) ?? 1, byHour.get(23) ?? 1)).toBeLessThanOrEqual(0);
    const sunAt = (h: number): number => byHour.get(h) ?? Number.NaN;
    expect(sunAt(12)).toBeGreaterThan(sunAt(9));
    expect(sunAt(9)).toBeGreaterThan(sunAt(6));
    expect(sunAt(12)).toBeGreaterThan(sunAt(15));
    expect(sunAt(15)).toBeGreaterThan(sunAt(18));
    const noonSun = [
      ...meanBy(sun, (r) => (localStart(r, -8).getUTCHours() === 12 ? r.period.slice(0, 10) : undefined)).values(),
    ];
    expect(lag1(noonSun)).toBeGreaterThan(0.2); // cloudy spells
    const wind = fuel
      .filter((r) => r.respondent === 'ERCO' && r.series === 'WND')
      .map((r) => r.value ?? Number.NaN)
      .filter(Number.isFinite);
    expect(lag1(wind)).toBeGreaterThan(0.9);
    const nuc = fuel
      .filter((r) => r.respondent === 'PJM' && r.series === 'NUC')
      .flatMap((r) => (r.value === null ? [] : [r.value]));
    expect(Math.max(...nuc) / Math.min(...nuc)).toBeLessThan(1.6); // flat but for a refuelling season
  });

  it('nulls about 2% of hours and omits a few rows, and its totals count exactly the rows it has', () => {
    const range = ['2019-01-01T00', '2025-12-31T23'] as const;
    const { nulls, absent } = simulatedMissing(1, 'region-data', BAS, REGION, ...range);
    const cells = 61_368 * BAS.length * REGION.length; // 2019..2025 has 2,557 days
    expect(nulls.length / cells).toBeGreaterThan(0.015);
    expect(nulls.length / cells).toBeLessThan(0.025);
    expect(absent.length).toBeGreaterThan(0);
    expect(absent.length / cells).toBeLessThan(0.001);
    expect(simulatedTotal(1, 'region-data', BAS, REGION, ...range)).toBe(cells - absent.length);
    const someAbsent = absent[0];
    if (someAbsent === undefined) throw new Error('no absent row');
    const around = simulatedRows(
      1,
      'region-data',
      [someAbsent.respondent],
      [someAbsent.series],
      someAbsent.period,
      someAbsent.period,
    );
    expect(around).toEqual([]);
    const year = simulatedMissing(1, 'region-data', BAS, REGION, '2023-01-01T00', '2023-12-31T23');
    const nullKeys = region
      .filter((r) => r.value === null)
      .map((r) => ({ period: r.period, respondent: r.respondent, series: r.series }));
    expect(year.nulls).toEqual(nullKeys);
  });

  it('serves identical bytes after a restart with the same seed, and other data with another seed', async () => {
    const path =
      'electricity/rto/region-data/data/?api_key=k&frequency=hourly&data[0]=value&facets[respondent][]=MISO' +
      '&start=2020-02-28T00&end=2020-03-01T23&offset=5&length=100';
    const body = async (seed: number): Promise<string> => {
      const server = await startEiaSimServer({ seed, rateLimitPerHour: 0, latencyMedianMs: 0 });
      try {
        return await (await fetch(server.url + path)).text();
      } finally {
        await server.close();
      }
    };
    const first = await body(3);
    expect(await body(3)).toBe(first);
    expect(await body(4)).not.toBe(first);
    const served = (JSON.parse(first) as { response: { data: { value: string | null }[] } }).response.data.map(
      (r) => r.value,
    );
    const truth = simulatedRows(3, 'region-data', ['MISO'], REGION, '2020-02-28T00', '2020-03-01T23').slice(5, 105);
    expect(served).toEqual(truth.map((r) => (r.value === null ? null : String(r.value))));
  });
});
