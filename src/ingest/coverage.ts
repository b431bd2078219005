// Coverage report: expected vs landed hours per route, respondent and series, listing the gaps
// (hours with no row) apart from the hours the API sent with a null value.
import { formatHour, HOUR_MS } from './hours.ts';
import { ABSENT, NULL_VALUE, type LandedScan } from './landed.ts';

export interface SeriesCoverage {
  readonly route: string;
  readonly respondent: string;
  readonly series: string;
  readonly expectedHours: number;
  /** Hours with a row (value or null). */
  readonly landedHours: number;
  /** Hours whose row says null: the API's own missing values. */
  readonly nullHours: number;
  /** Hours with no row at all. */
  readonly absentHours: number;
  /** Absent-hour runs, inclusive `YYYY-MM-DDTHH` bounds (first 100). */
  readonly gaps: readonly { readonly start: string; readonly end: string; readonly hours: number }[];
}

export interface CoverageReport {
  readonly series: readonly SeriesCoverage[];
  readonly absentHours: number;
  readonly nullHours: number;
  /** Respondents the plan asked for that no route returned a single row for. */
  readonly emptyRespondents: readonly string[];
}

const MAX_GAPS_LISTED = 100;

export interface CoverageExpectation {
  readonly routes: readonly string[];
  readonly respondents: readonly string[];
  /** Series asked for per route; empty = whatever series the data holds (fuel mixes differ). */
  readonly series: Readonly<Partial<Record<string, readonly string[]>>>;
  readonly startMs: number;
  readonly endMs: number;
}

export function coverageReport(scan: LandedScan, expect: CoverageExpectation): CoverageReport {
  const hours = Math.round((expect.endMs - expect.startMs) / HOUR_MS) + 1;
  const out: SeriesCoverage[] = [];
  const seen = new Set<string>();
  for (const route of expect.routes) {
    for (const respondent of expect.respondents) {
      for (const series of seriesFor(scan, route, respondent, expect.series[route] ?? [])) {
        const bits = scan.bitmaps.get(`${route}|${respondent}|${series}`) ?? new Uint8Array(hours);
        if (bits.some((b) => b !== ABSENT)) seen.add(respondent);
        out.push(seriesCoverage(route, respondent, series, bits, expect.startMs));
      }
    }
  }
  return {
    series: out,
    absentHours: out.reduce((a, s) => a + s.absentHours, 0),
    nullHours: out.reduce((a, s) => a + s.nullHours, 0),
    emptyRespondents: expect.respondents.filter((r) => !seen.has(r)),
  };
}

function seriesFor(scan: LandedScan, route: string, respondent: string, asked: readonly string[]): string[] {
  if (asked.length > 0) return [...asked];
  const prefix = `${route}|${respondent}|`;
  return [...scan.bitmaps.keys()]
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length))
    .sort();
}

function seriesCoverage(
  route: string,
  respondent: string,
  series: string,
  bits: Uint8Array,
  startMs: number,
): SeriesCoverage {
  const gaps: { start: string; end: string; hours: number }[] = [];
  let [nullHours, absentHours, runStart] = [0, 0, -1];
  for (let h = 0; h <= bits.length; h++) {
    const state = h < bits.length ? bits[h] : -1;
    if (state === NULL_VALUE) nullHours++;
    if (state === ABSENT) {
      absentHours++;
      if (runStart < 0) runStart = h;
    } else if (runStart >= 0) {
      if (gaps.length < MAX_GAPS_LISTED)
        gaps.push({
          start: formatHour(startMs + runStart * HOUR_MS),
          end: formatHour(startMs + (h - 1) * HOUR_MS),
          hours: h - runStart,
        });
      runStart = -1;
    }
  }
  return {
    route,
    respondent,
    series,
    expectedHours: bits.length,
    landedHours: bits.length - absentHours,
    nullHours,
    absentHours,
    gaps,
  };
}
