// Reads an EIA v2 data query (api_key, frequency, data[], facets[..][], start/end, sort, offset,
// length) into a selection, or a parameter error naming the parameter, as the real API does.
import type { SimRouteSpec } from './catalog.ts';
import type { SimSelection, SlotOrder } from './dataset.ts';
import { parseSimHour } from './hours.ts';

/** Most rows one JSON request may ask for. */
export const MAX_LENGTH = 5000;

export interface SimQuery {
  readonly selection: SimSelection;
  readonly offset: number;
  readonly length: number;
  /** `data[0]=value` given: without it rows carry no value, as on the real API. */
  readonly withValue: boolean;
  /** Echo for `request.params` (includes the api_key, as the real API does). */
  readonly params: Record<string, unknown>;
}

export type QueryResult = { kind: 'ok'; query: SimQuery } | { kind: 'error'; message: string };

const FACET = /^facets\[([^\]]*)\]\[\d*\]$/;
const DATA = /^data\[\d*\]$/;
const SORT = /^sort\[(\d+)\]\[(column|direction)\]$/;

class ParamError extends Error {}

interface Raw {
  facets: Map<string, string[]>;
  data: string[];
  sort: Map<number, { column?: string; direction?: string }>;
}

function collect(search: URLSearchParams, route: SimRouteSpec): Raw {
  const raw: Raw = { facets: new Map(), data: [], sort: new Map() };
  for (const [name, value] of search) {
    const facet = FACET.exec(name);
    const sort = SORT.exec(name);
    if (facet) {
      const facetName = facet[1] ?? '';
      if (facetName !== 'respondent' && facetName !== route.seriesFacet) {
        throw new ParamError(
          `Invalid facet '${facetName}' in parameter '${name}'. The facets of ${route.command} are respondent, ` +
            `${route.seriesFacet}.`,
        );
      }
      raw.facets.set(facetName, [...(raw.facets.get(facetName) ?? []), value]);
    } else if (DATA.test(name)) {
      if (value !== 'value')
        throw new ParamError(`Invalid data column '${value}' in parameter '${name}'. The only data column is 'value'.`);
      raw.data.push(value);
    } else if (sort) {
      const index = Number(sort[1]);
      const entry = raw.sort.get(index) ?? {};
      entry[sort[2] === 'column' ? 'column' : 'direction'] = value;
      raw.sort.set(index, entry);
    }
  }
  return raw;
}

function hourParam(search: URLSearchParams, name: 'start' | 'end', fallback: number): number {
  const text = search.get(name);
  if (text === null) return fallback;
  const hour = parseSimHour(text);
  if (hour === undefined) {
    throw new ParamError(
      `Invalid ${name} '${text}': expected YYYY-MM-DDTHH (UTC hour, inclusive) or YYYY-MM-DD (meaning T00).`,
    );
  }
  return hour;
}

function wholeParam(search: URLSearchParams, name: 'offset' | 'length', fallback: number): number {
  const text = search.get(name);
  if (text === null) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new ParamError(`Invalid ${name} '${text}': expected a whole number of rows.`);
  const n = Number(text);
  if (name === 'length' && n > MAX_LENGTH) {
    throw new ParamError(
      `Invalid length '${text}': the API returns at most ${MAX_LENGTH} rows per request in JSON format; page with ` +
        `offset.`,
    );
  }
  return n;
}

function sortOrder(raw: Raw, route: SimRouteSpec): { periodDesc: boolean; order: SlotOrder; echo: unknown[] } {
  const entries = [...raw.sort.entries()].sort((a, b) => a[0] - b[0]);
  const keys: { column: 'respondent' | 'series'; desc: boolean }[] = [];
  let periodDesc = false;
  const echo: unknown[] = [];
  entries.forEach(([index, { column, direction = 'asc' }], position) => {
    const at = `sort[${index}]`;
    if (direction !== 'asc' && direction !== 'desc')
      throw new ParamError(`Invalid ${at}[direction] '${direction}': use asc or desc.`);
    const desc = direction === 'desc';
    if (column === 'period') {
      if (position !== 0)
        throw new ParamError(
          `Invalid ${at}[column] 'period': the simulated server sorts by period first; put it in sort[0].`,
        );
      periodDesc = desc;
    } else if (column === 'respondent' || column === route.seriesFacet) {
      if (position === 0)
        throw new ParamError(
          `Invalid ${at}[column] '${column}': the simulated server sorts by period first; put period in sort[0].`,
        );
      keys.push({ column: column === 'respondent' ? 'respondent' : 'series', desc });
    } else {
      throw new ParamError(
        `Invalid ${at}[column] '${column ?? ''}': sortable columns are period, respondent, ${route.seriesFacet}.`,
      );
    }
    echo.push({ column, direction });
  });
  return { periodDesc, order: { keys }, echo };
}

function readQuery(search: URLSearchParams, route: SimRouteSpec, lastHour: number): SimQuery {
  const frequency = search.get('frequency') ?? 'hourly';
  if (frequency !== 'hourly') {
    throw new ParamError(`Invalid frequency '${frequency}': the simulated server provides 'hourly' (UTC) only.`);
  }
  const raw = collect(search, route);
  const firstHour = hourParam(search, 'start', route.firstHour);
  const last = hourParam(search, 'end', lastHour);
  if (firstHour > last) {
    throw new ParamError(
      `Invalid start/end: start '${search.get('start')}' is after end '${search.get('end') ?? ''}'.`,
    );
  }
  const offset = wholeParam(search, 'offset', 0);
  const length = wholeParam(search, 'length', MAX_LENGTH);
  const { periodDesc, order, echo } = sortOrder(raw, route);
  const params: Record<string, unknown> = { frequency, data: raw.data, facets: Object.fromEntries(raw.facets) };
  for (const name of ['start', 'end'] as const) {
    const v = search.get(name);
    if (v !== null) params[name] = v;
  }
  if (echo.length > 0) params['sort'] = echo;
  if (search.has('offset')) params['offset'] = search.get('offset');
  params['length'] = search.get('length') ?? String(MAX_LENGTH);
  if (search.has('api_key')) params['api_key'] = search.get('api_key');
  const selection: SimSelection = {
    route,
    respondents: raw.facets.get('respondent'),
    series: raw.facets.get(route.seriesFacet),
    firstHour,
    lastHour: last,
    periodDesc,
    order,
  };
  return { selection, offset, length, withValue: raw.data.length > 0, params };
}

/** Parses a data request's query string for `route`; `lastHour` is the default end. */
export function parseSimQuery(search: URLSearchParams, route: SimRouteSpec, lastHour: number): QueryResult {
  try {
    return { kind: 'ok', query: readQuery(search, route, lastHour) };
  } catch (error) {
    if (error instanceof ParamError) return { kind: 'error', message: error.message };
    throw error;
  }
}
