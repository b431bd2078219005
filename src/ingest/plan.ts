// The request plan: a pure function of (routes, respondents, series, [start, end]) giving windows
// that tile the range hour by hour with no gap and no overlap, sized so pages come back full.
import { createHash } from 'node:crypto';
import { PAGE_LENGTH } from './client.ts';
import { formatHour, HOUR_MS, hoursInclusive } from './hours.ts';
import { ROUTES, type RouteName } from './routes.ts';

export interface PlanInput {
  readonly routes: readonly RouteName[];
  readonly respondents: readonly string[];
  /** Series per route; an empty list asks for every series of the route (no facet). */
  readonly series: Readonly<Partial<Record<RouteName, readonly string[]>>>;
  /** Inclusive hour bounds, epoch ms on the hour (UTC). */
  readonly startMs: number;
  readonly endMs: number;
  /** Fixed window length in hours for every route (the window-size sweep); otherwise sized by rows. */
  readonly windowHours?: number | undefined;
  /** Expected rows per respondent-hour per route (e.g. measured fuel count); defaults from ROUTES. */
  readonly seriesPerRespondent?: Readonly<Partial<Record<RouteName, number>>>;
  /** Pages per window when sized by rows (default 1: one full page per request). */
  readonly pagesPerWindow?: number;
  /** Most respondents in one query (keeps URLs short). */
  readonly maxRespondentsPerQuery?: number;
}

export interface PlannedWindow {
  /** Deterministic id: `<route>/<start>_<end>_<group hash>`; also the file stem under --out. */
  readonly id: string;
  readonly route: RouteName;
  readonly respondents: readonly string[];
  readonly series: readonly string[];
  readonly startMs: number;
  readonly endMs: number;
  /** Rows the plan expects if every hour of every series exists. */
  readonly expectedRows: number;
}

export interface Plan {
  readonly input: PlanInput;
  readonly windows: readonly PlannedWindow[];
  /** Hours per window by route. */
  readonly windowHours: Readonly<Partial<Record<RouteName, number>>>;
  /** Hash of everything that decides the windows; a resumed run must match it. */
  readonly fingerprint: string;
}

export function planRequests(input: PlanInput): Plan {
  if (input.endMs < input.startMs) throw new RangeError('plan: end is before start');
  const windows: PlannedWindow[] = [];
  const windowHours: Partial<Record<RouteName, number>> = {};
  for (const route of input.routes) {
    const series = input.series[route] ?? [];
    for (const group of chunk(input.respondents, input.maxRespondentsPerQuery ?? 20)) {
      const rowsPerHour = group.length * rowsPerRespondentHour(input, route, series);
      const hours =
        input.windowHours ?? Math.max(1, Math.floor((PAGE_LENGTH * (input.pagesPerWindow ?? 1)) / rowsPerHour));
      windowHours[route] = hours;
      windows.push(...tile(route, group, series, input.startMs, input.endMs, hours, rowsPerHour));
    }
  }
  return { input, windows, windowHours, fingerprint: fingerprintOf(input, windowHours) };
}

function rowsPerRespondentHour(input: PlanInput, route: RouteName, series: readonly string[]): number {
  if (series.length > 0) return series.length;
  return input.seriesPerRespondent?.[route] ?? ROUTES[route].defaultSeriesPerRespondent;
}

/** Windows [s, s + hours - 1] stepping by `hours`, the last one clipped to `endMs`. */
function tile(
  route: RouteName,
  group: readonly string[],
  series: readonly string[],
  startMs: number,
  endMs: number,
  hours: number,
  rowsPerHour: number,
): PlannedWindow[] {
  const out: PlannedWindow[] = [];
  const groupHash = shortHash(`${group.join(',')}|${series.join(',')}`);
  for (let s = startMs; s <= endMs; s += hours * HOUR_MS) {
    const e = Math.min(s + (hours - 1) * HOUR_MS, endMs);
    const id = `${route}/${formatHour(s)}_${formatHour(e)}_${groupHash}`;
    out.push({
      id,
      route,
      respondents: group,
      series,
      startMs: s,
      endMs: e,
      expectedRows: hoursInclusive(s, e) * rowsPerHour,
    });
  }
  return out;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function fingerprintOf(input: PlanInput, windowHours: Partial<Record<RouteName, number>>): string {
  const canonical = JSON.stringify({
    routes: input.routes,
    respondents: input.respondents,
    series: input.routes.map((r) => input.series[r] ?? []),
    start: formatHour(input.startMs),
    end: formatHour(input.endMs),
    windowHours: input.routes.map((r) => windowHours[r]),
    group: input.maxRespondentsPerQuery ?? 20,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
