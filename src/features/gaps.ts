// Finds the missing hours of a demand series: short gaps may be filled (flagged), long gaps stay
// masked and later exclude every window that crosses them. Causal by design: the first
// `shortGapHours` hours of any gap are treated alike whatever follows, and fills read only earlier
// hours, so nothing about hour t depends on hours after t.
export type GapFill = 'previous-day' | 'carry-forward' | 'none';

export const GAP_FILLS: readonly GapFill[] = ['previous-day', 'carry-forward', 'none'];

export interface GapSettings {
  /**
   * The first this-many hours of a run of missing hours are short-gap hours; every later hour of
   * the run is a long-gap hour (masked, and no window may cross it).
   */
  readonly shortGapHours: number;
  /**
   * How short-gap hours are filled: previous-day repeats the value 24 h earlier (same hour of the
   * day; the last value when that is missing too), carry-forward repeats the last value, none
   * leaves them masked. Interpolation is not offered: it would pull a later hour into earlier ones.
   */
  readonly fill: GapFill;
}

/** EIA-930 outages last up to about a day; 48 h keeps year-long windows possible. */
export const DEFAULT_GAPS: GapSettings = { shortGapHours: 48, fill: 'previous-day' };

/** Per-hour flags (0/1) and the demand series features are computed from (NaN = unavailable). */
export interface DemandGaps {
  readonly value: Float64Array;
  readonly observed: Uint8Array;
  readonly filled: Uint8Array;
  readonly longGap: Uint8Array;
}

export function resolveGaps(demand: Float64Array, settings: GapSettings): DemandGaps {
  const n = demand.length;
  const value = Float64Array.from(demand);
  const observed = new Uint8Array(n);
  const filled = new Uint8Array(n);
  const longGap = new Uint8Array(n);
  let runStart = -1;
  let last = Number.NaN;
  for (let t = 0; t < n; t++) {
    const v = demand[t] ?? Number.NaN;
    if (!Number.isNaN(v)) {
      observed[t] = 1;
      last = v;
      runStart = -1;
      continue;
    }
    if (runStart < 0) runStart = t;
    if (t - runStart >= settings.shortGapHours) {
      longGap[t] = 1;
      continue;
    }
    const fill = fillValue(value, t, last, settings.fill);
    if (!Number.isNaN(fill)) {
      value[t] = fill;
      filled[t] = 1;
    }
  }
  return { value, observed, filled, longGap };
}

/** value holds observed and already-filled hours before t. */
function fillValue(value: Float64Array, t: number, last: number, fill: GapFill): number {
  if (fill === 'none') return Number.NaN;
  if (fill === 'previous-day' && t >= 24) {
    const dayBefore = value[t - 24] ?? Number.NaN;
    if (!Number.isNaN(dayBefore)) return dayBefore;
  }
  return last;
}
