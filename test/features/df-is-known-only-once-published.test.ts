// The DF publication rule: a forecast issued at hour t sees DF of a target hour only once the rule
// says it was published; the default lets the 00 UTC issue see all 24 hours it covers.
import { describe, expect, it } from 'vitest';
import {
  checkDfPublication,
  DEFAULT_DF_PUBLICATION,
  dfKnownFrom,
  midnightIssueSeesAllDf,
} from '../../src/features/index.ts';

const day = (d: number, h: number): number => d * 24 + h;

describe('DF publication rule', () => {
  it('makes DF of a local day known hoursBeforeLocalDay hours before that day begins', () => {
    // Pacific (UTC−8): local day 100 begins at UTC hour 100·24 + 8; known 14 h before.
    const firstHourOfLocalDay = day(100, 9); // hour ending 09 UTC = 00:00–01:00 local
    expect(dfKnownFrom(firstHourOfLocalDay, -8, DEFAULT_DF_PUBLICATION)).toBe(day(100, 8) - 14);
    const lastHourOfLocalDay = day(101, 8); // hour ending 08 UTC next day = 23:00–24:00 local
    expect(dfKnownFrom(lastHourOfLocalDay, -8, DEFAULT_DF_PUBLICATION)).toBe(day(100, 8) - 14);
    // The next hour belongs to the next local day: known 24 h later.
    expect(dfKnownFrom(lastHourOfLocalDay + 1, -8, DEFAULT_DF_PUBLICATION)).toBe(day(101, 8) - 14);
  });

  it('lets the 00 UTC issue see all 24 hours by default, for every US offset', () => {
    for (const offset of [-5, -6, -7, -8]) expect(midnightIssueSeesAllDf(offset, DEFAULT_DF_PUBLICATION)).toBe(true);
  });

  it('says when the 00 UTC issue cannot see them (EIA posting time, 07:00 Eastern of the day)', () => {
    expect(midnightIssueSeesAllDf(-5, { rule: 'local-day-ahead', hoursBeforeLocalDay: -7 })).toBe(false);
    expect(midnightIssueSeesAllDf(-8, { rule: 'local-day-ahead', hoursBeforeLocalDay: 7 })).toBe(false);
    expect(midnightIssueSeesAllDf(-8, { rule: 'local-day-ahead', hoursBeforeLocalDay: 8 })).toBe(true);
  });

  it('refuses a rule no hour could meet, naming the flag', () => {
    expect(() => checkDfPublication({ rule: 'local-day-ahead', hoursBeforeLocalDay: 1000 })).toThrow(
      /--df-lead-hours 1000/,
    );
    expect(() => checkDfPublication({ rule: 'local-day-ahead', hoursBeforeLocalDay: 1.5 })).toThrow(/integer/);
  });
});
