// Hour arithmetic for the simulated server: hours are integers counted from 1970-01-01T00 UTC,
// formatted as EIA's hour-ending `YYYY-MM-DDTHH` periods.

const HOUR_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}))?$/;
const HOUR_MS = 3_600_000;

/**
 * Parses `YYYY-MM-DDTHH`, or a date-only `YYYY-MM-DD` which means T00 as the real API reads it,
 * into an hour index. Returns undefined for anything that is not a real calendar hour.
 */
export function parseSimHour(text: string): number | undefined {
  const m = HOUR_PATTERN.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? '0')];
  if (mo < 1 || mo > 12 || d < 1 || h > 23) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h);
  const back = new Date(ms);
  // Date.UTC rolls 2023-02-29 over to March 1st: reject it instead of guessing.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / HOUR_MS;
}

/** Like parseSimHour for constants known to be valid. */
export function hourOf(text: string): number {
  const hour = parseSimHour(text);
  if (hour === undefined) throw new Error(`not an hour: ${text}`);
  return hour;
}

const TWO_DIGITS = Array.from({ length: 24 }, (_, h) => `T${String(h).padStart(2, '0')}`);
const dayStrings = new Map<number, string>();

/** Formats an hour index as `YYYY-MM-DDTHH`; day strings are cached because pages repeat them. */
export function formatSimHour(hour: number): string {
  const day = Math.floor(hour / 24);
  let text = dayStrings.get(day);
  if (text === undefined) {
    text = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dayStrings.size > 50_000) dayStrings.clear();
    dayStrings.set(day, text);
  }
  return text + (TWO_DIGITS[hour - day * 24] ?? '');
}

/** Day of the week with 0 = Sunday; day 0 (1970-01-01) was a Thursday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Day of the year, 0-based, from a day index. */
export function dayOfYear(day: number): number {
  const date = new Date(day * 86_400_000);
  return Math.floor((day * 86_400_000 - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000);
}
