// Chronological train/validation/test splits given by dates (`--split A..B,C..D,E..F`).
// A date D covers the 24 hours that start on D (UTC): hour-ending periods D 01:00 … D+1 00:00.
import { SplitError } from './errors.ts';
import { HOUR_MS } from '../core/index.ts';

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export interface SplitRange {
  readonly name: SplitName;
  /** First and last date, inclusive, YYYY-MM-DD. */
  readonly from: string;
  readonly to: string;
  /** First and last hour-ending period inside the split, hours since 1970 (UTC). */
  readonly firstHour: number;
  readonly lastHour: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses and checks the flag value; errors name the flag, the range and the fix. */
export function parseSplits(text: string, flag = '--split'): SplitRange[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== SPLIT_NAMES.length) {
    throw new SplitError(
      'FEATURES_SPLIT_SYNTAX',
      `${flag} "${text}": expected 3 date ranges (train,validation,test) like ` +
        '2019-01-01..2023-12-31,2024-01-01..2024-06-30,2024-07-01..2024-12-31',
    );
  }
  const ranges = parts.map((part, i) => parseRange(part, SPLIT_NAMES[i] ?? 'test', flag));
  checkOrder(ranges, flag);
  return ranges;
}

function parseRange(part: string, name: SplitName, flag: string): SplitRange {
  const [from, to, extra] = part.split('..');
  if (from === undefined || to === undefined || extra !== undefined) {
    throw new SplitError(
      'FEATURES_SPLIT_SYNTAX',
      `${flag}: ${name} range "${part}" must look like YYYY-MM-DD..YYYY-MM-DD`,
    );
  }
  const start = dayStartHour(from, name, flag);
  const end = dayStartHour(to, name, flag);
  if (end < start) {
    throw new SplitError('FEATURES_SPLIT_ORDER', `${flag}: ${name} range ${part} ends before it starts`);
  }
  return { name, from, to, firstHour: start + 1, lastHour: end + 24 };
}

/** Hours since 1970 of D 00:00 UTC; rejects impossible dates such as 2023-02-30. */
function dayStartHour(date: string, name: SplitName, flag: string): number {
  const m = DATE.exec(date);
  const ms = m === null ? Number.NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (m === null || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new SplitError('FEATURES_SPLIT_SYNTAX', `${flag}: ${name} date "${date}" is not a valid YYYY-MM-DD date`);
  }
  return ms / HOUR_MS;
}

function checkOrder(ranges: readonly SplitRange[], flag: string): void {
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1];
    const next = ranges[i];
    if (prev === undefined || next === undefined) continue;
    if (next.firstHour < prev.firstHour) {
      throw new SplitError(
        'FEATURES_SPLIT_ORDER',
        `${flag}: ${next.name} (${next.from}..${next.to}) starts before ${prev.name} (${prev.from}..${prev.to}); ` +
          'give the splits in time order: train, validation, test',
      );
    }
    if (next.firstHour <= prev.lastHour) {
      throw new SplitError(
        'FEATURES_SPLIT_OVERLAP',
        `${flag}: ${next.name} (${next.from}..${next.to}) overlaps ${prev.name} (${prev.from}..${prev.to}); ` +
          `start ${next.name} after ${prev.to}`,
      );
    }
  }
}

/** The split whose range holds every hour of [firstHour, lastHour], or undefined. */
export function splitOf(ranges: readonly SplitRange[], firstHour: number, lastHour: number): SplitName | undefined {
  for (const r of ranges) if (firstHour >= r.firstHour && lastHour <= r.lastHour) return r.name;
  return undefined;
}
