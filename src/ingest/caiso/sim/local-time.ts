// Pacific prevailing time for the twin's OPR_DT / OPR_HR columns: US rules since 2007 (PDT from the
// second Sunday of March, 02:00 PST, to the first Sunday of November, 02:00 PDT).
import { DAY_MS, HOUR_MS } from '../../../core/index.ts';

/** UTC ms of the n-th Sunday (1-based) of a month at `utcHour`. */
function nthSunday(year: number, month: number, n: number, utcHour: number): number {
  const first = Date.UTC(year, month, 1);
  const dow = new Date(first).getUTCDay();
  return first + (((7 - dow) % 7) + 7 * (n - 1)) * DAY_MS + utcHour * HOUR_MS;
}

/** Offset of Pacific time from UTC at `ms`: −7 h in daylight time, −8 h otherwise. */
export function pacificOffsetMs(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  const start = nthSunday(year, 2, 2, 10); // 02:00 PST = 10:00 UTC
  const end = nthSunday(year, 10, 1, 9); // 02:00 PDT = 09:00 UTC
  return ms >= start && ms < end ? -7 * HOUR_MS : -8 * HOUR_MS;
}

export interface OperatingHour {
  /** Local operating date `YYYY-MM-DD`. */
  readonly date: string;
  /** Hour-ending local hour 1..24, 23 on the spring-forward day, 25 on the fall-back day. */
  readonly hour: number;
}

/** OPR_DT and OPR_HR of an interval starting at `ms` (UTC). */
export function operatingHour(ms: number): OperatingHour {
  const local = ms + pacificOffsetMs(ms);
  const day = Math.floor(local / DAY_MS) * DAY_MS;
  // Local midnight is before 02:00, so the offset at 07:00 UTC of that date is midnight's offset.
  const midnightUtc = day - pacificOffsetMs(day + 7 * HOUR_MS);
  return { date: new Date(day).toISOString().slice(0, 10), hour: Math.floor((ms - midnightUtc) / HOUR_MS) + 1 };
}
