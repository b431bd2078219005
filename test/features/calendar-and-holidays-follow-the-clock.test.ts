// Calendar features: US federal holidays with their observed days (checked against OPM's
// published lists), weekend and hour encodings in the respondent's local standard time.
import { describe, expect, it } from 'vitest';
import {
  computeFeatures,
  DEFAULT_GAPS,
  featureSpecs,
  federalHolidays,
  type RespondentGrid,
} from '../../src/features/index.ts';
import { hourOf } from './support/synthetic.ts';

const iso = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

// Observed federal holidays as published by the U.S. Office of Personnel Management.
const OPM: Record<number, string[]> = {
  2020: [
    '2020-01-01',
    '2020-01-20',
    '2020-02-17',
    '2020-05-25',
    '2020-07-03',
    '2020-09-07',
    '2020-10-12',
    '2020-11-11',
    '2020-11-26',
    '2020-12-25',
  ],
  2021: [
    '2021-01-01',
    '2021-01-18',
    '2021-02-15',
    '2021-05-31',
    '2021-06-18',
    '2021-07-05',
    '2021-09-06',
    '2021-10-11',
    '2021-11-11',
    '2021-11-25',
    '2021-12-24',
  ],
  2022: [
    '2021-12-31',
    '2022-01-17',
    '2022-02-21',
    '2022-05-30',
    '2022-06-20',
    '2022-07-04',
    '2022-09-05',
    '2022-10-10',
    '2022-11-11',
    '2022-11-24',
    '2022-12-26',
  ],
  2023: [
    '2023-01-02',
    '2023-01-16',
    '2023-02-20',
    '2023-05-29',
    '2023-06-19',
    '2023-07-04',
    '2023-09-04',
    '2023-10-09',
    '2023-11-10',
    '2023-11-23',
    '2023-12-25',
  ],
  2024: [
    '2024-01-01',
    '2024-01-15',
    '2024-02-19',
    '2024-05-27',
    '2024-06-19',
    '2024-07-04',
    '2024-09-02',
    '2024-10-14',
    '2024-11-11',
    '2024-11-28',
    '2024-12-25',
  ],
};

describe('federal holidays', () => {
  for (const [year, days] of Object.entries(OPM)) {
    it(`${year}: observed days match OPM`, () => {
      expect(federalHolidays(Number(year)).map((h) => iso(h.observed))).toEqual(days);
    });
  }
});

function grid(code: string, first: string, hours: number): RespondentGrid {
  return {
    code,
    firstHour: hourOf(first),
    hours,
    demand: new Float64Array(hours).fill(1000),
    forecast: null,
    fuels: new Map(),
  };
}

describe('calendar features', () => {
  const specs = featureSpecs([]);
  const col = (f: ReturnType<typeof computeFeatures>, name: string): Float64Array =>
    f.columns[specs.findIndex((s) => s.name === name)] ?? new Float64Array(0);

  it('use local standard time of the hour that starts at period − 1 h', () => {
    // PACW is UTC−8: the hour ending 2024-07-04T09Z starts at 00:00 local on Independence Day.
    const f = computeFeatures(grid('PACW', '2024-07-04T08', 3), specs, DEFAULT_GAPS);
    expect(Array.from(col(f, 'holiday'))).toEqual([0, 1, 1]);
    expect(col(f, 'hour_sin')[1]).toBeCloseTo(0, 12); // hour 0 → angle 0 (atol 1e-12)
    expect(col(f, 'hour_cos')[1]).toBeCloseTo(1, 12);
    expect(col(f, 'hour_sin')[0]).toBeCloseTo(Math.sin((2 * Math.PI * 23) / 24), 12);
  });

  it('flag weekends and use UTC for respondents without a known offset', () => {
    // 2024-06-01 was a Saturday; hour ending 01:00Z starts at 00:00Z on that day.
    const f = computeFeatures(grid('ZZZZ', '2024-06-01T00', 2), specs, DEFAULT_GAPS);
    expect(f.utcOffset).toBe(0);
    expect(Array.from(col(f, 'weekend'))).toEqual([0, 1]);
    expect(col(f, 'weekday_sin')[1]).toBeCloseTo(Math.sin((2 * Math.PI * 6) / 7), 12);
    expect(col(f, 'doy_cos')[1]).toBeCloseTo(Math.cos((2 * Math.PI * 152) / 366), 12); // day 153 of leap 2024
  });
});
