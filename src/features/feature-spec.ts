// The feature list: names, units and how each is normalised; one source of truth for the
// compute step, the store's columns and its metadata.
import { CALENDAR_FEATURES } from './calendar.ts';

export type Normalisation = 'zscore' | 'identity';

export interface FeatureSpec {
  readonly name: string;
  readonly unit: string;
  /** zscore: (x − mean_train) / std_train per respondent; identity: already bounded, kept as is. */
  readonly normalisation: Normalisation;
  readonly description: string;
}

export const DEMAND_LAGS = [1, 2, 3, 24, 48, 168] as const;
export const ROLLING_HOURS = [24, 168] as const;
export const ROLLING_STATS = ['mean', 'std', 'min', 'max'] as const;
/** Rows needed before the first complete feature row (the longest lag / rolling window). */
export const WARM_UP_HOURS = 168;

const flag = (name: string, description: string): FeatureSpec => ({
  name,
  unit: '1',
  normalisation: 'identity',
  description,
});
const mwh = (name: string, description: string): FeatureSpec => ({
  name,
  unit: 'MWh',
  normalisation: 'zscore',
  description,
});

/** CAISO's day-ahead renewables forecasts (docs/features.md), present only when the input has them. */
export interface CaisoFeatureSet {
  readonly solar: boolean;
  readonly wind: boolean;
}

export const NO_CAISO_FEATURES: CaisoFeatureSet = { solar: false, wind: false };

/**
 * Every feature, in column order. fuels: the fuel codes of the input (sorted), one share each.
 * CAISO features come last, and only when present, so an EIA-only list is unchanged.
 */
export function featureSpecs(fuels: readonly string[], caiso: CaisoFeatureSet = NO_CAISO_FEATURES): FeatureSpec[] {
  return [
    flag('demand_observed', '1 when demand at t was reported, else 0'),
    flag('demand_filled', '1 when demand at t is a carried-forward short-gap fill'),
    ...CALENDAR_FEATURES.map((n) => flag(n, 'calendar of the hour starting at period − 1 h, local standard time')),
    mwh('demand', 'demand at t'),
    ...DEMAND_LAGS.map((k) => mwh(`demand_lag_${k}`, `demand at clock hour t − ${k} h`)),
    ...ROLLING_HOURS.flatMap((w) =>
      ROLLING_STATS.map((s) => mwh(`demand_roll${w}_${s}`, `${s} of demand over hours t − ${w - 1} … t`)),
    ),
    mwh('demand_ramp_1h', 'demand(t) − demand(t − 1)'),
    mwh('net_load', 'demand − solar (SUN) − wind (WND) generation at t'),
    mwh('net_load_ramp_1h', 'net_load(t) − net_load(t − 1)'),
    mwh('df', "the BA's day-ahead demand forecast for hour t (DF)"),
    flag('df_available', '1 when DF for hour t exists'),
    ...fuels.map((f) => ({
      name: `share_${f}`,
      unit: 'fraction',
      normalisation: 'identity' as const,
      description: `${f} generation ÷ total generation at t`,
    })),
    ...(caiso.solar ? renewable('solar') : []),
    ...(caiso.wind ? renewable('wind') : []),
    // Last, so every earlier column keeps its index (readers go by name, old checkpoints by index).
    flag('demand_anomaly', '1 when reported demand at t was flagged by screening (then treated as missing and filled)'),
  ];
}

function renewable(kind: 'solar' | 'wind'): FeatureSpec[] {
  return [
    mwh(
      `${kind}_forecast_dam`,
      `CAISO's day-ahead ${kind} forecast for hour t, summed over its trading hubs (SLD_REN_FCST DAM; CISO only)`,
    ),
    flag(`${kind}_forecast_dam_available`, `1 when CAISO's day-ahead ${kind} forecast for hour t exists`),
  ];
}
