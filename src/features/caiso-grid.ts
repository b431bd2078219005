// Maps CAISO OASIS rows onto EIA's CISO grid: CAISO's day-ahead load forecast for its whole
// balancing area (TAC area `CA ISO-TAC`) and its day-ahead solar and wind forecasts by hub.
import { RawInputError } from './errors.ts';
import type { RawInput } from './raw-files.ts';
import { HOUR_MS } from '../core/index.ts';

/** CISO's series from CAISO OASIS files, on the respondent's hourly index; NaN = missing. */
export interface CaisoSeries {
  /** SLD_FCST:DAM of `CA ISO-TAC`: CAISO's day-ahead load forecast, MWh. */
  readonly dayAheadLoad: Float64Array | null;
  /** SLD_REN_FCST:DAM solar and wind, summed over the trading hubs (NaN unless every hub reported). */
  readonly solarDam: Float64Array | null;
  readonly windDam: Float64Array | null;
}

/** What this step needs of a respondent's grid (grid.ts RespondentGrid). */
interface GridSpan {
  readonly code: string;
  readonly firstHour: number;
  readonly hours: number;
}

/** EIA-930's code for the California ISO balancing authority. */
export const CISO = 'CISO';
/** SLD_FCST's TAC area covering the whole CAISO balancing area (src/ingest/caiso/reports.ts). */
export const CAISO_BA_AREA = 'CA ISO-TAC';
export const CAISO_DAM_LOAD = 'SLD_FCST:DAM';
export const CAISO_DAM_SOLAR = 'SLD_REN_FCST:DAM:SOLAR';
export const CAISO_DAM_WIND = 'SLD_REN_FCST:DAM:WIND';

/**
 * Adds the CAISO series to the CISO grid (other CAISO rows — sub-areas, WEIM areas, other market
 * runs, actuals — are read but are not features). Rows outside CISO's hourly index are dropped,
 * as EIA rows outside a respondent's demand span are. Without CAISO input the grids come back
 * untouched, so an EIA-only store is what it was before.
 */
export function attachCaiso<G extends GridSpan>(raw: RawInput, grids: G[]): (G & { readonly caiso?: CaisoSeries })[] {
  if (raw.caiso.chunks.length === 0) return grids;
  const at = grids.findIndex((g) => g.code === CISO);
  const grid = grids[at];
  if (grid === undefined) {
    throw new RawInputError(
      'FEATURES_CAISO_WITHOUT_CISO',
      `${raw.dir}: CAISO files are given but no EIA demand for ${CISO}; CAISO's forecasts are features of ${CISO} — ` +
        `add EIA region-data for ${CISO} (bench extract --respondents ${CISO}) or leave the CAISO folder out`,
    );
  }
  const caiso: CaisoSeries = {
    dayAheadLoad: placeArea(raw, grid, CAISO_DAM_LOAD),
    solarDam: sumHubs(raw, grid, CAISO_DAM_SOLAR),
    windDam: sumHubs(raw, grid, CAISO_DAM_WIND),
  };
  grids[at] = { ...grid, caiso };
  return grids;
}

/** Every CAISO row of one series, by respondent: (hour index, value, file), duplicates refused. */
function collect(raw: RawInput, grid: GridSpan, series: string): Map<string, Float64Array> {
  const { chunks, respondents, series: names } = raw.caiso;
  const id = names.names.indexOf(series);
  const out = new Map<string, Float64Array>();
  if (id < 0) return out;
  const marks = new Map<string, Int32Array>();
  for (const c of chunks) {
    for (let i = 0; i < c.hour.length; i++) {
      if (c.series[i] !== id) continue;
      const who = respondents.names[c.respondent[i] ?? 0] ?? '';
      let values = out.get(who);
      let seen = marks.get(who);
      if (values === undefined || seen === undefined) {
        values = new Float64Array(grid.hours).fill(Number.NaN);
        seen = new Int32Array(grid.hours);
        out.set(who, values);
        marks.set(who, seen);
      }
      const t = (c.hour[i] ?? 0) - grid.firstHour;
      if (t < 0 || t >= grid.hours) continue;
      if (seen[t] !== 0) duplicate(raw, c.file, (seen[t] ?? 1) - 1, c.hour[i] ?? 0, who, series);
      seen[t] = c.file + 1;
      values[t] = c.value[i] ?? Number.NaN;
    }
  }
  return out;
}

function placeArea(raw: RawInput, grid: GridSpan, series: string): Float64Array | null {
  return collect(raw, grid, series).get(CAISO_BA_AREA) ?? null;
}

/** Σ over the hubs that appear in the input; NaN at hours where any of them did not report. */
function sumHubs(raw: RawInput, grid: GridSpan, series: string): Float64Array | null {
  const hubs = [...collect(raw, grid, series).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (hubs.length === 0) return null;
  const total = new Float64Array(grid.hours);
  for (const [, values] of hubs) {
    for (let t = 0; t < total.length; t++) total[t] = (total[t] ?? 0) + (values[t] ?? Number.NaN);
  }
  return total;
}

function duplicate(
  raw: RawInput,
  file: number,
  earlier: number,
  hour: number,
  respondent: string,
  series: string,
): never {
  const name = (i: number): string => {
    const f = raw.files[i];
    return f === undefined ? '?' : f.folder === undefined ? f.path : `${f.folder}/${f.path}`;
  };
  throw new RawInputError(
    'FEATURES_DUPLICATE_ROW',
    `${name(file)}: row (period ${new Date(hour * HOUR_MS).toISOString().slice(0, 13)}, respondent ${respondent}, ` +
      `series ${series}) ` +
      `also appears in ${name(earlier)}; rows must be unique — remove the overlapping file`,
  );
}
