// The CAISO request plan: per report and market run, windows of at most 30 days (OASIS refuses
// over 31) that tile [start, end] hour by hour with no gap and no overlap, with deterministic ids.
import { createHash } from 'node:crypto';
import type { CaisoRawRoute } from '../../core/index.ts';
import { formatHour, HOUR_MS } from '../hours.ts';
import { CAISO_REPORTS, expectedSeries, reportRunName, type CaisoReportRun } from './reports.ts';

/** 30 days: one day under OASIS's 31-day ceiling (docs/ingest-caiso.md). */
export const MAX_WINDOW_HOURS = 30 * 24;

export interface CaisoPlanInput {
  readonly runs: readonly CaisoReportRun[];
  /** Inclusive hour-ending bounds, epoch ms on the hour (UTC). */
  readonly startMs: number;
  readonly endMs: number;
  /** Window length in hours, at most MAX_WINDOW_HOURS (the default). */
  readonly windowHours?: number | undefined;
}

export interface CaisoWindow {
  /** `SLD_FCST-DAM/<start>_<end>`: also the file stem under --out. */
  readonly id: string;
  /** `SLD_FCST:DAM`: the store's route of the file. */
  readonly route: CaisoRawRoute;
  readonly run: CaisoReportRun;
  /** Areas or hubs a complete reply holds, and the series each has (empty: whatever lands). */
  readonly respondents: readonly string[];
  readonly series: readonly string[];
  readonly startMs: number;
  readonly endMs: number;
}

export interface CaisoPlan {
  readonly input: CaisoPlanInput;
  readonly windows: readonly CaisoWindow[];
  /** Hours per window by route (`SLD_FCST:DAM`), as the EIA plan reports them. */
  readonly windowHours: Readonly<Record<string, number>>;
  readonly fingerprint: string;
}

export function planCaiso(input: CaisoPlanInput): CaisoPlan {
  if (input.endMs < input.startMs) throw new RangeError('plan: end is before start');
  const hours = Math.min(MAX_WINDOW_HOURS, input.windowHours ?? MAX_WINDOW_HOURS);
  const windows: CaisoWindow[] = [];
  const windowHours: Record<string, number> = {};
  for (const run of input.runs) {
    const route = reportRunName(run);
    windowHours[route] = hours;
    for (let s = input.startMs; s <= input.endMs; s += hours * HOUR_MS) {
      const e = Math.min(s + (hours - 1) * HOUR_MS, input.endMs);
      windows.push({
        id: `${run.report}-${run.marketRun}/${formatHour(s)}_${formatHour(e)}`,
        route,
        run,
        respondents: CAISO_REPORTS[run.report].respondents,
        series: expectedSeries(run),
        startMs: s,
        endMs: e,
      });
    }
  }
  const canonical = JSON.stringify({
    runs: input.runs.map(reportRunName),
    start: formatHour(input.startMs),
    end: formatHour(input.endMs),
    hours,
  });
  return {
    input,
    windows,
    windowHours,
    fingerprint: createHash('sha256').update(canonical).digest('hex').slice(0, 16),
  };
}
