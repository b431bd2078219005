// When a BA's day-ahead demand forecast (DF) of an hour is known: the one rule that every reader of
// known-future inputs applies (the model's head, the linear DF-correction baseline), so a forecast
// issued at hour t never reads a DF value that was not yet published at t (docs/features.md,
// "When DF is known").
import { SplitError } from './errors.ts';

/**
 * `local-day-ahead`: DF for the hours of the BA's local (standard-time) day D is known from
 * `hoursBeforeLocalDay` hours before D begins. 14 = 10:00 local the day before, when the day-ahead
 * markets close (the CAISO DAM closes at 10:00 Pacific: docs/ingest-caiso.md). EIA itself posts a
 * day's DF only by 07:00 Eastern of that day (Form EIA-930 instructions), so a user who reads DF
 * from the EIA API, not from the BA, should use a negative value (e.g. −2 for an Eastern BA).
 */
export interface DfPublication {
  readonly rule: 'local-day-ahead';
  readonly hoursBeforeLocalDay: number;
}

export const DEFAULT_DF_PUBLICATION: DfPublication = { rule: 'local-day-ahead', hoursBeforeLocalDay: 14 };

const DAY = 24;

/**
 * The first issue hour (hour-ending, hours since 1970, UTC) at whose end DF of `targetHour` (also
 * hour-ending) is known. `utcOffset`: the BA's standard-time offset in hours (e.g. −8).
 */
export function dfKnownFrom(targetHour: number, utcOffset: number, rule: DfPublication): number {
  const localStart = targetHour - 1 + utcOffset;
  const localDay = Math.floor(localStart / DAY);
  return localDay * DAY - utcOffset - rule.hoursBeforeLocalDay;
}

/** True when a forecast issued at 00 UTC sees DF for every one of the `horizon` hours it covers. */
export function midnightIssueSeesAllDf(utcOffset: number, rule: DfPublication, horizon = DAY): boolean {
  for (let h = 1; h <= horizon; h++) if (dfKnownFrom(h, utcOffset, rule) > 0) return false;
  return true;
}

/** Refuses a rule no hour could meet, naming the flag. */
export function checkDfPublication(rule: DfPublication, flag = '--df-lead-hours'): void {
  const v = rule.hoursBeforeLocalDay;
  if (!Number.isInteger(v) || v < -DAY || v > 7 * DAY) {
    throw new SplitError(
      'FEATURES_DF_PUBLICATION',
      `${flag} ${v}: DF must be known between 24 hours after its local day begins (−24) and 168 hours before` +
        ' (an integer number of hours); 14 = 10:00 local time the day before',
    );
  }
}
