// UTC hour arithmetic for EIA's `YYYY-MM-DDTHH` periods: parse, format and step whole hours.
// An "hour" here is epoch milliseconds at the top of the hour, hour-ending as the API reports it.

import { HOUR_MS } from '../core/index.ts';

// Re-exported so ingest's modules and public entry keep one import for hour arithmetic.
export { HOUR_MS };

const HOUR_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}))?$/;

/**
 * Parses `YYYY-MM-DDTHH` (or a date-only `YYYY-MM-DD`, meaning T00, as the API reads it) into epoch ms.
 * Returns undefined for anything that is not a real calendar hour (2023-02-29, T24, …).
 */
export function parseHour(text: string): number | undefined {
  const m = HOUR_PATTERN.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? '0')];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h);
  const back = new Date(ms);
  // Date.UTC rolls 2023-02-29 over to March 1st: reject instead of guessing.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms;
}

/** Formats epoch ms as the API's hour string `YYYY-MM-DDTHH` (UTC). */
export function formatHour(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

/** Number of hours in the inclusive range [start, end] (both epoch ms on the hour). */
export function hoursInclusive(startMs: number, endMs: number): number {
  return Math.floor((endMs - startMs) / HOUR_MS) + 1;
}

/**
 * Fast parser for the API's period strings, used per row on the hot path: a one-entry cache
 * because rows arrive sorted by period, so consecutive rows share it (several series per hour).
 */
export function makePeriodParser(): (text: string) => number | undefined {
  let lastText = '';
  let lastMs: number | undefined;
  return (text) => {
    if (text === lastText) return lastMs;
    lastText = text;
    lastMs = text.length === 13 && text.charCodeAt(10) === 84 /* T */ ? fastHour(text) : undefined;
    return lastMs;
  };
}

/** `YYYY-MM-DDTHH` → epoch ms from char codes (no regex, no Date); falls back to parseHour to reject bad days. */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12];

function fastHour(t: string): number | undefined {
  const d = (i: number): number => t.charCodeAt(i) - 48;
  for (const i of DIGITS) if (!(d(i) >= 0 && d(i) <= 9)) return undefined;
  const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const mo = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const h = d(11) * 10 + d(12);
  if (
    t.charCodeAt(4) !== 45 ||
    t.charCodeAt(7) !== 45 ||
    !(y >= 1000 && mo >= 1 && mo <= 12 && day >= 1 && day <= 28 && h >= 0 && h <= 23)
  ) {
    return parseHour(t); // days 29-31, or anything odd: the careful path decides
  }
  return Date.UTC(y, mo - 1, day, h);
}
