// Calendar features of each row from its own timestamp only: hour, weekday and day of year as
// sin/cos, weekend and US federal holiday flags, in the respondent's local standard time.
import { holidayDays, weekdayOf } from './holidays.ts';

/**
 * UTC offsets (hours, standard time; daylight saving ignored so the clock never jumps) of common
 * EIA-930 respondents. Others use UTC, and the store's metadata says so.
 */
export const STANDARD_UTC_OFFSET: Readonly<Record<string, number>> = {
  PACW: -8, PACE: -7, CISO: -8, BPAT: -8, PSEI: -8, PGE: -8, SCL: -8, LDWP: -8, NEVP: -8,
  AZPS: -7, SRP: -7, PSCO: -7, WACM: -7, IPCO: -7,
  ERCO: -6, MISO: -6, SWPP: -6, TVA: -6, SOCO: -6, AECI: -6,
  PJM: -5, NYIS: -5, ISNE: -5, FPL: -5, DUK: -5, CPLE: -5, SC: -5, SCEG: -5, FPC: -5, TEC: -5,
};

export const CALENDAR_FEATURES = [
  'hour_sin', 'hour_cos', 'weekday_sin', 'weekday_cos', 'doy_sin', 'doy_cos', 'weekend', 'holiday',
] as const;

const TWO_PI = 2 * Math.PI;

/**
 * Writes the 8 calendar features of rows [0, hours) into out (one column per feature, in
 * CALENDAR_FEATURES order). firstHour is the hour-ending period of row 0 in hours since 1970;
 * the calendar describes the hour's start (period − 1 h), shifted to local standard time.
 */
export function writeCalendar(out: Float64Array[], firstHour: number, hours: number, utcOffset: number): void {
  const start = firstHour - 1 + utcOffset;
  const firstYear = new Date(start * 3_600_000).getUTCFullYear();
  const lastYear = new Date((start + hours) * 3_600_000).getUTCFullYear();
  const holidays = holidayDays(firstYear, lastYear);
  const [hs, hc, ws, wc, ds, dc, we, ho] = out;
  let day = Number.NaN;
  let doyAngle = 0;
  let wd = 0;
  let holiday = 0;
  for (let t = 0; t < hours; t++) {
    const local = start + t;
    const d = Math.floor(local / 24);
    if (d !== day) {
      day = d;
      doyAngle = dayOfYearAngle(d);
      wd = weekdayOf(d);
      holiday = holidays.has(d) ? 1 : 0;
    }
    const hourAngle = (TWO_PI * (local - d * 24)) / 24;
    set(hs, t, Math.sin(hourAngle));
    set(hc, t, Math.cos(hourAngle));
    set(ws, t, Math.sin((TWO_PI * wd) / 7));
    set(wc, t, Math.cos((TWO_PI * wd) / 7));
    set(ds, t, Math.sin(doyAngle));
    set(dc, t, Math.cos(doyAngle));
    set(we, t, wd === 0 || wd === 6 ? 1 : 0);
    set(ho, t, holiday);
  }
}

function set(a: Float64Array | undefined, t: number, v: number): void {
  if (a !== undefined) a[t] = v;
}

/** 2π · (day of year − 1) / days in that year. */
function dayOfYearAngle(day: number): number {
  const year = new Date(day * 86_400_000).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / 86_400_000;
  const length = Date.UTC(year + 1, 0, 1) / 86_400_000 - jan1;
  return (TWO_PI * (day - jan1)) / length;
}
