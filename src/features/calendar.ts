// Calendar features of each row from its own timestamp only: hour, weekday and day of year as
// sin/cos, weekend and US federal holiday flags, in the respondent's local standard time.
import { holidayDays, weekdayOf } from './holidays.ts';
import { HOUR_MS } from '../core/index.ts';

/**
 * UTC offsets (hours, standard time; daylight saving ignored so the clock never jumps) of common
 * EIA-930 respondents. Others use UTC, and the store's metadata says so.
 */
export const STANDARD_UTC_OFFSET: Readonly<Record<string, number>> = {
  PACW: -8,
  PACE: -7,
  CISO: -8,
  BPAT: -8,
  PSEI: -8,
  PGE: -8,
  SCL: -8,
  LDWP: -8,
  NEVP: -8,
  AZPS: -7,
  SRP: -7,
  PSCO: -7,
  WACM: -7,
  IPCO: -7,
  ERCO: -6,
  MISO: -6,
  SWPP: -6,
  TVA: -6,
  SOCO: -6,
  AECI: -6,
  PJM: -5,
  NYIS: -5,
  ISNE: -5,
  FPL: -5,
  DUK: -5,
  CPLE: -5,
  SC: -5,
  SCEG: -5,
  FPC: -5,
  TEC: -5,
};

export const CALENDAR_FEATURES = [
  'hour_sin',
  'hour_cos',
  'weekday_sin',
  'weekday_cos',
  'doy_sin',
  'doy_cos',
  'weekend',
  'holiday',
] as const;

const TWO_PI = 2 * Math.PI;

/**
 * Writes the 8 calendar features of rows [0, hours) into out (one column per feature, in
 * CALENDAR_FEATURES order). firstHour is the hour-ending period of row 0 in hours since 1970;
 * the calendar describes the hour's start (period − 1 h), shifted to local standard time.
 */
export function writeCalendar(out: Float64Array[], firstHour: number, hours: number, utcOffset: number): void {
  const start = firstHour - 1 + utcOffset;
  const firstYear = new Date(start * HOUR_MS).getUTCFullYear();
  const lastYear = new Date((start + hours) * HOUR_MS).getUTCFullYear();
  const holidays = holidayDays(firstYear, lastYear);
  const [hs, hc, ws, wc, ds, dc, we, ho] = out;
  // sin/cos change per hour of day and per day only: tabulate them instead of calling Math per row.
  const hourSin = Array.from({ length: 24 }, (_, h) => Math.sin((TWO_PI * h) / 24));
  const hourCos = Array.from({ length: 24 }, (_, h) => Math.cos((TWO_PI * h) / 24));
  let t = 0;
  while (t < hours) {
    const d = Math.floor((start + t) / 24);
    const end = Math.min(hours, (d + 1) * 24 - start);
    const wd = weekdayOf(d);
    const doy = dayOfYearAngle(d);
    fillDay(ws, t, end, Math.sin((TWO_PI * wd) / 7));
    fillDay(wc, t, end, Math.cos((TWO_PI * wd) / 7));
    fillDay(ds, t, end, Math.sin(doy));
    fillDay(dc, t, end, Math.cos(doy));
    fillDay(we, t, end, wd === 0 || wd === 6 ? 1 : 0);
    fillDay(ho, t, end, holidays.has(d) ? 1 : 0);
    for (; t < end; t++) {
      const h = start + t - d * 24;
      set(hs, t, hourSin[h] ?? 0);
      set(hc, t, hourCos[h] ?? 0);
    }
  }
}

function fillDay(a: Float64Array | undefined, from: number, to: number, v: number): void {
  a?.fill(v, from, to);
}

function set(a: Float64Array | undefined, t: number, v: number): void {
  if (a !== undefined) a[t] = v;
}

/** 2π · (day of year − 1) / days in that year; years cached (Date is slow per call). */
function dayOfYearAngle(day: number): number {
  let year = yearCache.get(Math.floor(day / 365.2425) + 1970);
  if (year === undefined || day < year.jan1 || day >= year.next) year = yearOf(day);
  return (TWO_PI * (day - year.jan1)) / (year.next - year.jan1);
}

const yearCache = new Map<number, { jan1: number; next: number }>();

function yearOf(day: number): { jan1: number; next: number } {
  const y = new Date(day * 86_400_000).getUTCFullYear();
  const year = { jan1: Date.UTC(y, 0, 1) / 86_400_000, next: Date.UTC(y + 1, 0, 1) / 86_400_000 };
  yearCache.set(Math.floor(day / 365.2425) + 1970, year);
  return year;
}
