// The twin's data: every CAISO series as MW per interval, derived from the EIA twin's CISO model
// (same seed) so CA ISO-TAC's actual load is the EIA twin's CISO demand, hour for hour.
import { SIM_LAST_HOUR, SIM_RESPONDENTS, SIM_ROUTES } from '../../sim/catalog.ts';
import { FUEL_SLOT, modelFor, REGION_SLOT, type RespondentModel } from '../../sim/model.ts';
import { quickGauss, Stream } from '../../sim/noise.ts';
import {
  CAISO_HUBS,
  CAISO_SLRS_ZONES,
  CAISO_TAC_AREAS,
  type CaisoReportName,
  type CaisoReportRun,
} from '../reports.ts';
import { HOUR_MS } from '../../../core/index.ts';

/** First and last hour (hour-ending, ms) the twin has data for: the EIA twin's region-data span. */
export const TWIN_FIRST_MS = SIM_ROUTES['region-data'].firstHour * HOUR_MS;
export const TWIN_LAST_MS = SIM_LAST_HOUR * HOUR_MS;

/** Share of CA ISO-TAC's load per sub-area (they add up to 1). */
const TAC_SHARE: Readonly<Record<string, number>> = {
  'CA ISO-TAC': 1,
  'PGE-TAC': 0.44,
  'SCE-TAC': 0.46,
  'SDGE-TAC': 0.09,
  'VEA-TAC': 0.006,
  'MWD-TAC': 0.004,
};
const SOLAR_SHARE: Readonly<Record<string, number>> = { NP15: 0.25, SP15: 0.6, ZP26: 0.15 };
const WIND_SHARE: Readonly<Record<string, number>> = { NP15: 0.35, SP15: 0.55, ZP26: 0.1 };
const ZONE_SHARE: Readonly<Record<string, number>> = { TAC_NORTH: 0.45, TAC_SOUTH: 0.5, TAC_ECNTR: 0.05 };

/** One series of a report run in the twin: who, which CSV labels, and its MW per interval. */
export interface TwinSeries {
  readonly respondent: string;
  /** RENEWABLE_TYPE (Solar/Wind) or the ENE_SLRS XML_DATA_ITEM; '' for SLD_FCST. */
  readonly part: string;
  readonly xmlItem: string;
  readonly key: number;
}

/** Interval length of a report run, minutes: RTM runs are 5-minute, the rest hourly. */
export function intervalMinutes(run: CaisoReportRun): number {
  return run.marketRun === 'RTM' ? 5 : 60;
}

const LOAD_ITEM: Readonly<Record<string, string>> = {
  ACTUAL: 'SYS_FCST_ACT_MW',
  DAM: 'SYS_FCST_DA_MW',
  '2DA': 'SYS_FCST_2DA_MW',
  '7DA': 'SYS_FCST_7DA_MW',
  RTM: 'SYS_FCST_5MIN_MW',
};

export function twinSeries(run: CaisoReportRun): TwinSeries[] {
  const base =
    (run.report === 'SLD_FCST' ? 0 : run.report === 'SLD_REN_FCST' ? 100 : 200) +
    10 * ['ACTUAL', 'DAM', '2DA', '7DA', 'RTM'].indexOf(run.marketRun);
  const list = (r: CaisoReportName): Omit<TwinSeries, 'key'>[] => {
    if (r === 'SLD_FCST')
      return CAISO_TAC_AREAS.map((a) => ({
        respondent: a,
        part: '',
        xmlItem: LOAD_ITEM[run.marketRun] ?? 'SYS_FCST_MW',
      }));
    const item = run.marketRun === 'ACTUAL' ? 'RENEW_FCST_ACT_MW' : 'RENEW_FCST_DA_MW';
    if (r === 'SLD_REN_FCST')
      return CAISO_HUBS.flatMap((h) => [
        { respondent: h, part: 'Solar', xmlItem: item },
        { respondent: h, part: 'Wind', xmlItem: item },
      ]);
    return CAISO_SLRS_ZONES.map((z) => ({
      respondent: z,
      part: z === 'Caiso_Totals' ? 'ISO_TOT_GEN_MW' : 'TOT_GEN_MW',
      xmlItem: z === 'Caiso_Totals' ? 'ISO_TOT_GEN_MW' : 'TOT_GEN_MW',
    }));
  };
  return list(run.report).map((s, i) => ({ ...s, key: base + i }));
}

export class TwinValues {
  private readonly ciso: RespondentModel;

  constructor(private readonly seed: number) {
    const index = SIM_RESPONDENTS.findIndex((r) => r.code === 'CISO');
    const respondent = SIM_RESPONDENTS[index];
    if (respondent === undefined) throw new Error('the EIA twin has no CISO respondent');
    this.ciso = modelFor(seed, index, respondent);
  }

  /**
   * MW of `s` for each interval of the hour ending at `hour` (hours since 1970, as the EIA twin
   * keys them): one value for hourly runs, twelve for 5-minute ones, 2 decimals as OASIS writes.
   */
  intervalsMw(run: CaisoReportRun, s: TwinSeries, hour: number): number[] {
    const hourly = this.hourly(run, s, hour);
    if (intervalMinutes(run) === 60) return [round2(hourly)];
    // 5-minute values wander around the hour's value; their mean over the hour is exactly it.
    const w = Array.from({ length: 12 }, (_, i) => quickGauss(this.seed, Stream.caisoInterval, s.key, hour * 12 + i));
    const mean = w.reduce((x, y) => x + y, 0) / 12;
    return w.map((x) => round2(hourly * (1 + 0.004 * (x - mean))));
  }

  private hourly(run: CaisoReportRun, s: TwinSeries, hour: number): number {
    const m = this.ciso;
    if (run.report === 'SLD_FCST') {
      const share = TAC_SHARE[s.respondent] ?? 0;
      if (run.marketRun === 'ACTUAL' || run.marketRun === 'RTM') return share * m.value(REGION_SLOT['D'] ?? 0, hour);
      const spread = run.marketRun === '7DA' ? 0.03 : run.marketRun === '2DA' ? 0.012 : 0;
      const day = Math.floor(hour / 24);
      return (
        share *
        m.value(REGION_SLOT['DF'] ?? 1, hour) *
        (1 + spread * quickGauss(this.seed, Stream.caisoForecast, s.key, day))
      );
    }
    if (run.report === 'SLD_REN_FCST') {
      const solar = s.part === 'Solar';
      const actual =
        Math.max(0, m.value((solar ? FUEL_SLOT['SUN'] : FUEL_SLOT['WND']) ?? 0, hour)) *
        ((solar ? SOLAR_SHARE : WIND_SHARE)[s.respondent] ?? 0);
      if (run.marketRun === 'ACTUAL') return actual;
      return Math.max(
        0,
        actual * (1 + (solar ? 0.08 : 0.15) * quickGauss(this.seed, Stream.caisoForecast, s.key, hour)),
      );
    }
    const generation = m.value(REGION_SLOT['NG'] ?? 2, hour);
    return s.respondent === 'Caiso_Totals' ? generation : generation * (ZONE_SHARE[s.respondent] ?? 0);
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
