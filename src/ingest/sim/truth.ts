// The ground truth of the simulated server for tests: every row it has for a selection, and the
// hours it nulls or omits, computed by the same code that serves pages.
import { SIM_ROUTES, type SimRoute } from './catalog.ts';
import { SimPlan } from './dataset.ts';
import { absentHours, lowerBound } from './gaps.ts';
import { formatSimHour, parseSimHour } from './hours.ts';

export interface SimRow {
  /** `YYYY-MM-DDTHH`, hour-ending, UTC. */
  readonly period: string;
  readonly respondent: string;
  /** D/DF/NG/TI or a fuel code. */
  readonly series: string;
  /** MWh; null where the API says the hour is missing. */
  readonly value: number | null;
  readonly units: 'megawatthours';
}

export interface SimKey {
  readonly period: string;
  readonly respondent: string;
  readonly series: string;
}

export interface SimMissing {
  /** Rows that exist with `value: null`. */
  readonly nulls: SimKey[];
  /** Rows the server never returns. */
  readonly absent: SimKey[];
}

function hourArg(text: string, name: string): number {
  const hour = parseSimHour(text);
  if (hour === undefined)
    throw new RangeError(`${name} must be YYYY-MM-DDTHH or YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return hour;
}

function planFor(
  seed: number,
  route: SimRoute,
  respondents: readonly string[],
  series: readonly string[],
  start: string,
  end: string,
): SimPlan {
  return new SimPlan(seed | 0, {
    route: SIM_ROUTES[route],
    respondents,
    series,
    firstHour: hourArg(start, 'start'),
    lastHour: hourArg(end, 'end'),
    periodDesc: false,
    order: { keys: [] },
  });
}

/**
 * Every row the server has for (route, respondents, series) in [start, end] (inclusive hours),
 * sorted by period, respondent, series; lazily, so multi-million-row ranges stay cheap in memory.
 */
export function* eachSimulatedRow(
  seed: number,
  route: SimRoute,
  respondents: readonly string[],
  series: readonly string[],
  start: string,
  end: string,
): Generator<SimRow> {
  const plan = planFor(seed, route, respondents, series, start, end);
  const batch: SimRow[] = [];
  for (let offset = 0; offset < plan.total; offset += 5000) {
    batch.length = 0;
    plan.forEach(offset, 5000, (slot, hour, value) => {
      batch.push({
        period: formatSimHour(hour),
        respondent: slot.respondent.code,
        series: slot.seriesCode,
        value,
        units: 'megawatthours',
      });
    });
    yield* batch;
  }
}

/** Same as eachSimulatedRow, as an array. */
export function simulatedRows(
  seed: number,
  route: SimRoute,
  respondents: readonly string[],
  series: readonly string[],
  start: string,
  end: string,
): SimRow[] {
  return [...eachSimulatedRow(seed, route, respondents, series, start, end)];
}

/** Number of rows the server has for the selection (its `total` for that query). */
export function simulatedTotal(
  seed: number,
  route: SimRoute,
  respondents: readonly string[],
  series: readonly string[],
  start: string,
  end: string,
): number {
  return planFor(seed, route, respondents, series, start, end).total;
}

/** The keys in [start, end] that come back null or not at all, sorted like the rows. */
export function simulatedMissing(
  seed: number,
  route: SimRoute,
  respondents: readonly string[],
  series: readonly string[],
  start: string,
  end: string,
): SimMissing {
  const plan = planFor(seed, route, respondents, series, start, end);
  const nulls: SimKey[] = [];
  plan.forEachNull((slot, hour) => {
    nulls.push({ period: formatSimHour(hour), respondent: slot.respondent.code, series: slot.seriesCode });
  });
  const lo = Math.max(hourArg(start, 'start'), SIM_ROUTES[route].firstHour);
  const hi = hourArg(end, 'end');
  const absent: { hour: number; key: SimKey }[] = [];
  for (const slot of plan.slots) {
    const hours = absentHours(seed | 0, slot.key);
    for (let i = lowerBound(hours, lo); i < hours.length && (hours[i] ?? 0) <= hi; i++) {
      const hour = hours[i] ?? 0;
      absent.push({
        hour,
        key: { period: formatSimHour(hour), respondent: slot.respondent.code, series: slot.seriesCode },
      });
    }
  }
  absent.sort((a, b) => a.hour - b.hour); // stable: slots are already in respondent, series order
  return { nulls, absent: absent.map((a) => a.key) };
}
