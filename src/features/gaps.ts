// Finds the missing hours of a demand series: short gaps may be filled (carry-forward, flagged),
// long gaps stay masked and later exclude every window that crosses them. Causal by design: the
// first `shortGapHours` hours of any gap are treated alike whatever follows, so whether hour t is
// filled never depends on hours after t.
export type GapFill = 'carry-forward' | 'none';

export interface GapSettings {
  /**
   * The first this-many hours of a run of missing hours are short-gap hours; every later hour of
   * the run is a long-gap hour (masked, and no window may cross it).
   */
  readonly shortGapHours: number;
  /**
   * How short gaps are filled. Carry-forward repeats the last observed value, which uses only the
   * past (interpolation would pull the next observation into earlier hours: a leak).
   */
  readonly fill: GapFill;
}

export const DEFAULT_GAPS: GapSettings = { shortGapHours: 6, fill: 'carry-forward' };

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
  let t = 0;
  while (t < n) {
    if (!Number.isNaN(demand[t])) {
      observed[t] = 1;
      t++;
      continue;
    }
    let end = t;
    while (end < n && Number.isNaN(demand[end])) end++;
    markRun(t, end, t > 0 ? (value[t - 1] ?? Number.NaN) : Number.NaN);
    t = end;
  }
  return { value, observed, filled, longGap };

  function markRun(start: number, end: number, last: number): void {
    for (let i = start; i < end; i++) {
      if (i - start >= settings.shortGapHours) longGap[i] = 1;
      else if (settings.fill === 'carry-forward' && !Number.isNaN(last)) {
        value[i] = last;
        filled[i] = 1;
      }
    }
  }
}
