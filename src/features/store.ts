// The feature store in memory: per respondent one time-major Float32 matrix [hours, features]
// plus target columns, and window iteration that hands out subarray views (no copies).
import type { FeatureSpec } from './feature-spec.ts';
import type { DfPublication } from './df-publication.ts';
import type { GapSettings } from './gaps.ts';
import type { AnomalyCounts } from './screen.ts';
import type { RawInputFile } from './raw-files.ts';
import type { SplitName, SplitRange } from './splits.ts';
import type { WindowShape, WindowStarts } from './windows.ts';
import { HOUR_MS } from '../core/index.ts';

export const STORE_SCHEMA = 'wattring.features/1';

/** One respondent's rows; row t is the hour ending at firstPeriodMs + t hours (UTC). */
export interface RespondentData {
  readonly code: string;
  readonly firstPeriodMs: number;
  readonly hours: number;
  /** [hours, features] time-major, normalised; unavailable values are 0 (see demand_observed). */
  readonly features: Float32Array;
  /** [hours] demand normalised with the respondent's train statistics; 0 where unavailable. */
  readonly target: Float32Array;
  /**
   * [hours] reported demand, MWh; NaN where not reported (including filled hours) and where
   * screening flagged it (`anomaly` ≠ 0): no consumer ever trains on or scores those hours.
   */
  readonly demand: Float32Array;
  /**
   * [hours] screening class of reported demand (screen.ts ANOMALY: 0 clean or missing,
   * 1 nonpositive, 2 spike, 3 stuck, 4 unit jump, 5 duplicate).
   */
  readonly anomaly: Uint8Array;
  /** [hours] 1 where the hour lies in a long gap (no window crosses it). */
  readonly longGap: Uint8Array;
  readonly windows: WindowStarts;
}

export interface RespondentMeta {
  readonly code: string;
  readonly file: string;
  readonly sha256: string;
  readonly firstPeriod: string;
  readonly lastPeriod: string;
  readonly rows: number;
  readonly observedRows: number;
  readonly filledRows: number;
  readonly longGapRows: number;
  readonly calendarUtcOffsetHours: number;
  /** Normalisation per feature name, fitted on this respondent's train rows. */
  readonly normalisation: Record<string, { mean: number; std: number }>;
  readonly trainRows: number;
  /** Hours with a day-ahead forecast (`df_available` = 1); 0 without DF in the input (absent in older stores). */
  readonly dfHours?: number;
  /** Hours per screening class, of reported demand and of DF (absent in older stores). */
  readonly anomalies?: { readonly demand: AnomalyCounts; readonly df: AnomalyCounts };
  readonly windows: Record<SplitName, number>;
  /** Which source each hour's `df` came from; only in stores built with CAISO input. */
  readonly dayAheadSource?: DayAheadSource;
}

/** Per respondent: hours of `df` from EIA's DF, from CAISO's SLD_FCST DAM, or from neither, and the runs of hours. */
export interface DayAheadSource {
  readonly eiaHours: number;
  readonly caisoHours: number;
  readonly noneHours: number;
  /** Consecutive hours with one source, in time order; `from`/`to` are hour-ending periods (inclusive). */
  readonly runs: readonly { readonly from: string; readonly to: string; readonly source: 'eia' | 'caiso' | 'none' }[];
}

/** metadata.json of a store. */
export interface StoreMetadata {
  readonly schema: typeof STORE_SCHEMA;
  readonly createdAt: string;
  readonly features: readonly FeatureSpec[];
  readonly target: {
    readonly column: 'target';
    readonly rawColumn: 'demand_mwh';
    readonly unit: string;
    readonly horizon: number;
  };
  readonly window: WindowShape;
  readonly gaps: GapSettings;
  /** When DF of an hour is known (absent in stores built before the rule existed: the default applies). */
  readonly dfPublication?: DfPublication;
  readonly splits: readonly SplitRange[];
  /**
   * Whether the store holds a day-ahead forecast: `present` when any respondent has a DF hour;
   * `respondentsWithout` lists those with none (a store built from `--series D` lists every one).
   * Absent in stores built before it existed.
   */
  readonly df?: { readonly present: boolean; readonly respondentsWithout: readonly string[] };
  readonly respondents: readonly RespondentMeta[];
  /** folder: the --in folder (several: joined with ", ", each file then names its own `folder`). */
  readonly inputs: { readonly folder: string; readonly rows: number; readonly files: readonly RawInputFile[] };
}

/** One window: every array is a view into its respondent's buffers. */
export interface WindowView {
  readonly respondent: string;
  readonly split: SplitName;
  /** Row of the first input hour. */
  readonly start: number;
  /** Hour-ending period (ms, UTC) of the first target hour. */
  readonly targetPeriodMs: number;
  /** [seqLen, features] time-major, normalised. */
  readonly inputs: Float32Array;
  /** [horizon] normalised demand. */
  readonly target: Float32Array;
  /** [horizon] reported demand in MWh (NaN where not reported), for metrics. */
  readonly targetRaw: Float32Array;
}

export class FeatureStore {
  constructor(
    readonly metadata: StoreMetadata,
    readonly respondents: readonly RespondentData[],
  ) {}

  get featureNames(): string[] {
    return this.metadata.features.map((f) => f.name);
  }

  windowCount(split: SplitName): number {
    return this.respondents.reduce((n, r) => n + r.windows[split].length, 0);
  }

  /** Yields the split's windows, respondent by respondent in time order, as zero-copy views. */
  *windows(split: SplitName): Generator<WindowView> {
    const F = this.metadata.features.length;
    const { seqLen, horizon } = this.metadata.window;
    for (const r of this.respondents) {
      for (const start of r.windows[split]) {
        const t = start + seqLen;
        yield {
          respondent: r.code,
          split,
          start,
          targetPeriodMs: r.firstPeriodMs + t * HOUR_MS,
          inputs: r.features.subarray(start * F, t * F),
          target: r.target.subarray(t, t + horizon),
          targetRaw: r.demand.subarray(t, t + horizon),
        };
      }
    }
  }
}
