// US federal holidays (5 U.S.C. 6103), computed for any year, with the observed-day rule:
// a holiday on Saturday is observed the Friday before, on Sunday the Monday after.
import { DAY_MS } from '../core/index.ts';
export interface Holiday {
  readonly name: string;
  /** The legal date, as days since 1970-01-01. */
  readonly day: number;
  /** The day federal offices close (equals `day` on weekdays). */
  readonly observed: number;
}

function dayOf(year: number, month: number, date: number): number {
  return Date.UTC(year, month - 1, date) / DAY_MS;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The n-th given weekday of a month (n = -1: the last one). */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = dayOf(year, month, 1);
    return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1);
  }
  const last = dayOf(year, month + 1, 1) - 1;
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

function observedDay(day: number): number {
  const wd = weekdayOf(day);
  return wd === 6 ? day - 1 : wd === 0 ? day + 1 : day;
}

export function federalHolidays(year: number): Holiday[] {
  const fixed = (name: string, month: number, date: number): Holiday => {
    const day = dayOf(year, month, date);
    return { name, day, observed: observedDay(day) };
  };
  const floating = (name: string, month: number, weekday: number, n: number): Holiday => {
    const day = nthWeekday(year, month, weekday, n);
    return { name, day, observed: day };
  };
  const list = [
    fixed("New Year's Day", 1, 1),
    floating('Birthday of Martin Luther King, Jr.', 1, 1, 3),
    floating("Washington's Birthday", 2, 1, 3),
    floating('Memorial Day', 5, 1, -1),
    fixed('Independence Day', 7, 4),
    floating('Labor Day', 9, 1, 1),
    floating('Columbus Day', 10, 1, 2),
    fixed('Veterans Day', 11, 11),
    floating('Thanksgiving Day', 11, 4, 4),
    fixed('Christmas Day', 12, 25),
  ];
  // Juneteenth became a federal holiday on 2021-06-17 (observed 2021-06-18 that first year).
  if (year >= 2021) list.splice(4, 0, fixed('Juneteenth National Independence Day', 6, 19));
  return list;
}

/** Days (since 1970-01-01) that are a federal holiday or its observed day, for years [from, to]. */
export function holidayDays(fromYear: number, toYear: number): Set<number> {
  const days = new Set<number>();
  // One year beyond each end: New Year's Day on a Saturday is observed on 31 December before.
  for (let y = fromYear - 1; y <= toYear + 1; y++) {
    for (const h of federalHolidays(y)) {
      days.add(h.day);
      days.add(h.observed);
    }
  }
  return days;
}
