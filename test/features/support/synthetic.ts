// Test support: a deterministic synthetic EIA-930-like hourly world (demand with daily, weekly and
// seasonal cycles, a day-ahead forecast, generation by fuel) written as raw Arrow files.
import { join } from 'node:path';
import { FUELS, writeRawFile, type RawRows, type Route } from './raw-writer.ts';
import { HOUR_MS } from '../../../src/core/index.ts';

export { HOUR_MS };

export interface SyntheticOptions {
  readonly respondents: readonly string[];
  /** First and last hour-ending period, as hours since 1970 (inclusive). */
  readonly firstHour: number;
  readonly lastHour: number;
  readonly seed?: number;
  readonly forecast?: boolean;
  readonly fuels?: readonly string[];
  /** Days per file (ingest lands one file per request window). */
  readonly windowDays?: number;
  readonly plainStrings?: boolean;
  readonly source?: string;
  /** ~this fraction of demand hours come back null, in isolated hours (default 0). */
  readonly nullRate?: number;
  /**
   * Per-row override: return a number to replace the value, null to write a null value, 'drop'
   * to leave the row out, undefined to keep the generated value.
   */
  readonly edit?: (
    respondent: string,
    route: Route,
    series: string,
    hour: number,
    value: number,
  ) => number | null | 'drop' | undefined;
}

/** Uniform in [0, 1), a pure function of its integer inputs. */
export function noise(seed: number, a: number, b: number, h: number): number {
  let x = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(a + 1, 0xc2b2ae35) ^ Math.imul(b + 7, 0x27d4eb2f) ^ h;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}

/** Demand (MWh) of respondent r at hour-ending hour h. */
export function demandAt(seed: number, r: number, h: number): number {
  const base = [3_000, 45_000, 25_000, 80_000, 15_000, 9_000][r % 6] ?? 10_000;
  const local = h - 1 - 6; // a rough US offset so daily peaks land in the afternoon
  const hour = ((local % 24) + 24) % 24;
  const day = Math.floor(local / 24);
  const weekday = (((day + 4) % 7) + 7) % 7;
  const daily = 0.12 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
  const weekly = weekday === 0 || weekday === 6 ? -0.06 : 0.02;
  const seasonal = 0.15 * Math.cos((2 * Math.PI * (day % 365.25)) / 365.25 - 0.4) ** 2;
  return base * (1 + daily + weekly + seasonal + 0.03 * (noise(seed, r, 0, h) - 0.5));
}

function fuelAt(seed: number, r: number, fuel: string, h: number): number {
  const d = demandAt(seed, r, h);
  const hour = (((h - 7) % 24) + 24) % 24;
  const n = noise(seed, r, fuel.charCodeAt(0) * 31 + fuel.charCodeAt(1), h);
  switch (fuel) {
    case 'SUN':
      return Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12)) * 0.15 * d * (0.8 + 0.4 * n);
    case 'WND':
      return 0.1 * d * (0.5 + 0.3 * Math.sin((2 * Math.PI * h) / 97) + 0.4 * n);
    case 'NUC':
      return 0.2 * demandAt(seed, r, 1);
    case 'COL':
      return 0.2 * d;
    case 'WAT':
      return 0.08 * d * (1 + 0.5 * Math.sin((2 * Math.PI * h) / 8766));
    case 'OIL':
      return 0.005 * d;
    case 'OTH':
      return 0.02 * d * (n - 0.3);
    default:
      return 0.25 * d * (0.9 + 0.2 * n);
  }
}

interface FileRows {
  period: number[];
  respondent: number[];
  series: number[];
  value: number[];
}

/** Writes `<dir>/<route>/<from>_<to>.arrow` files covering [firstHour, lastHour]; returns rows written. */
export function writeSyntheticRaw(dir: string, options: SyntheticOptions): { files: number; rows: number } {
  const windowHours = (options.windowDays ?? 30) * 24;
  let files = 0;
  let rows = 0;
  for (let from = options.firstHour; from <= options.lastHour; from += windowHours) {
    const to = Math.min(options.lastHour, from + windowHours - 1);
    for (const route of ['region-data', 'fuel-type-data'] as const) {
      const codes =
        route === 'region-data' ? (options.forecast === false ? ['D'] : ['D', 'DF']) : [...(options.fuels ?? FUELS)];
      const out = windowRows(options, route, codes, from, to);
      if (out.period.length === 0) continue;
      const name = `${route}/${stamp(from)}_${stamp(to)}.arrow`;
      writeRawFile(join(dir, name), toRawRows(out, options.respondents, codes), {
        route,
        source: options.source ?? 'eia-sim',
        windowStart: stamp(from),
        windowEnd: stamp(to),
        plainStrings: options.plainStrings ?? false,
      });
      files++;
      rows += out.period.length;
    }
  }
  return { files, rows };
}

function windowRows(
  options: SyntheticOptions,
  route: Route,
  codes: readonly string[],
  from: number,
  to: number,
): FileRows {
  const seed = options.seed ?? 1;
  const out: FileRows = { period: [], respondent: [], series: [], value: [] };
  for (let h = from; h <= to; h++) {
    options.respondents.forEach((code, r) => {
      codes.forEach((series, s) => {
        let v: number | null = generated(seed, r, route, series, h);
        if (route === 'region-data' && series === 'D' && noise(seed, r, 99, h) < (options.nullRate ?? 0)) v = null;
        const edited = options.edit?.(code, route, series, h, v ?? Number.NaN);
        if (edited === 'drop') return;
        if (edited !== undefined) v = edited;
        out.period.push(h * HOUR_MS);
        out.respondent.push(r);
        out.series.push(s);
        out.value.push(v ?? Number.NaN);
      });
    });
  }
  return out;
}

function generated(seed: number, r: number, route: Route, series: string, h: number): number {
  if (route === 'fuel-type-data') return fuelAt(seed, r, series, h);
  const d = demandAt(seed, r, h);
  return series === 'DF' ? d * (1 + 0.04 * (noise(seed, r, 5, h) - 0.5)) : d;
}

function toRawRows(rows: FileRows, respondents: readonly string[], codes: readonly string[]): RawRows {
  return {
    periodMs: Float64Array.from(rows.period),
    respondent: Int32Array.from(rows.respondent),
    series: Int32Array.from(rows.series),
    value: Float64Array.from(rows.value),
    respondents,
    seriesCodes: codes,
  };
}

export function stamp(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString().slice(0, 13);
}

/** Hours since 1970 of an ISO hour, e.g. hourOf('2019-01-01T01'). */
export function hourOf(iso: string): number {
  return Date.parse(`${iso}:00:00Z`) / HOUR_MS;
}
