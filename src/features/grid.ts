// One complete hourly index per respondent: every clock hour from its first to its last demand
// value is a row; hours the data lacks stay NaN (masked later), never shifted out.
import { RawInputError } from './errors.ts';
import { attachCaiso, type CaisoSeries } from './caiso-grid.ts';
import type { RawChunk, RawInput } from './raw-files.ts';
import { HOUR_MS } from '../core/index.ts';

const DEMAND = 'region-data:D';
const FORECAST = 'region-data:DF';
const FUEL_PREFIX = 'fuel-type-data:';

/** Dense hourly series of one respondent; index i is hour firstHour + i (hour-ending, UTC). */
export interface RespondentGrid {
  readonly code: string;
  readonly firstHour: number;
  readonly hours: number;
  /** Demand, MWh; NaN = missing. */
  readonly demand: Float64Array;
  /** The BA's day-ahead demand forecast (DF), MWh, or null when the respondent has none. */
  readonly forecast: Float64Array | null;
  /** Net generation by fuel code (COL, NG, SUN, WND, …), MWh; NaN = missing. */
  readonly fuels: ReadonlyMap<string, Float64Array>;
  /** CAISO series mapped onto this respondent (CISO only; caiso-grid.ts); absent without CAISO input. */
  readonly caiso?: CaisoSeries;
}

/** Builds the grids, sorted by respondent code; rows outside a respondent's demand span are dropped. */
export function buildGrids(raw: RawInput): RespondentGrid[] {
  const demandId = raw.series.names.indexOf(DEMAND);
  const nSeries = raw.series.names.length;
  const { spans, present } = survey(raw, demandId);
  const slots: (Float64Array | undefined)[] = new Array(raw.respondents.names.length * nSeries);
  const grids = raw.respondents.names.map((code, r) => {
    const span = spans[r];
    if (span === undefined) {
      throw new RawInputError(
        'FEATURES_NO_DEMAND',
        `respondent ${code} has no demand values (series D of region-data) in ${raw.dir}; ` +
          'extract region-data type D for it, or leave it out of the input',
      );
    }
    return allocate(raw, r, span, present, slots);
  });
  scatter(raw, grids, slots);
  return attachCaiso(raw, grids).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

interface Span {
  first: number;
  last: number;
}

/**
 * One pass over all rows: each respondent's span of finite demand hours, and
 * present[r · nSeries + s] = 1 when respondent r has any row of series s.
 */
function survey(raw: RawInput, demandId: number): { spans: (Span | undefined)[]; present: Uint8Array } {
  const nSeries = raw.series.names.length;
  const spans: (Span | undefined)[] = new Array(raw.respondents.names.length);
  const present = new Uint8Array(raw.respondents.names.length * nSeries);
  for (const c of raw.chunks) {
    for (let i = 0; i < c.hour.length; i++) {
      const r = c.respondent[i] ?? 0;
      const series = c.series[i] ?? 0;
      present[r * nSeries + series] = 1;
      if (series !== demandId || Number.isNaN(c.value[i])) continue;
      const h = c.hour[i] ?? 0;
      const s = spans[r];
      if (s === undefined) spans[r] = { first: h, last: h };
      else {
        if (h < s.first) s.first = h;
        if (h > s.last) s.last = h;
      }
    }
  }
  return { spans, present };
}

function allocate(
  raw: RawInput,
  r: number,
  span: Span,
  present: Uint8Array,
  slots: (Float64Array | undefined)[],
): RespondentGrid {
  const hours = span.last - span.first + 1;
  const nSeries = raw.series.names.length;
  const make = (id: number): Float64Array => {
    const a = new Float64Array(hours).fill(Number.NaN);
    slots[r * nSeries + id] = a;
    return a;
  };
  // A span exists only where demand rows exist, so the demand series is always present here.
  const demand = make(raw.series.names.indexOf(DEMAND));
  let forecast: Float64Array | null = null;
  const fuels = new Map<string, Float64Array>();
  raw.series.names.forEach((key, id) => {
    if (present[r * nSeries + id] !== 1) return;
    if (key === FORECAST) forecast = make(id);
    else if (key.startsWith(FUEL_PREFIX)) fuels.set(key.slice(FUEL_PREFIX.length), make(id));
    // Region-data NG (net generation) and TI (interchange) are not features yet.
  });
  return { code: raw.respondents.names[r] ?? '', firstHour: span.first, hours, demand, forecast, fuels };
}

/** Places each row at its clock hour; a second row for the same (hour, respondent, series) is an error. */
function scatter(raw: RawInput, grids: readonly RespondentGrid[], slots: readonly (Float64Array | undefined)[]): void {
  const nSeries = raw.series.names.length;
  // seen[slot][t] = 1 + index of the file that placed the row there (0 = none yet).
  const seen = slots.map((s) => (s === undefined ? undefined : new Int32Array(s.length)));
  for (const c of raw.chunks) {
    for (let i = 0; i < c.hour.length; i++) {
      const r = c.respondent[i] ?? 0;
      const slot = r * nSeries + (c.series[i] ?? 0);
      const target = slots[slot];
      if (target === undefined) continue;
      const t = (c.hour[i] ?? 0) - (grids[r]?.firstHour ?? 0);
      if (t < 0 || t >= target.length) continue;
      const marks = seen[slot];
      if (marks !== undefined && marks[t] !== 0) duplicate(raw, c, i, (marks[t] ?? 1) - 1);
      if (marks !== undefined) marks[t] = c.file + 1;
      target[t] = c.value[i] ?? Number.NaN;
    }
  }
}

function duplicate(raw: RawInput, c: RawChunk, i: number, earlier: number): never {
  const period = new Date((c.hour[i] ?? 0) * HOUR_MS).toISOString().slice(0, 13);
  const key = raw.series.names[c.series[i] ?? 0] ?? '?';
  throw new RawInputError(
    'FEATURES_DUPLICATE_ROW',
    `${raw.files[c.file]?.path ?? '?'}: row (period ${period}, respondent ` +
      `${raw.respondents.names[c.respondent[i] ?? 0]}, ` +
      `series ${key}) also appears in ${raw.files[earlier]?.path ?? 'an earlier file'}; rows must be unique — ` +
      `remove the overlapping file`,
  );
}
