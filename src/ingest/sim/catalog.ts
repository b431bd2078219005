// What the simulated EIA server knows: its two hourly routes, their series, and ~20 real balancing
// authorities with the climate and generation mix that shape each one's synthetic data.
import { hourOf } from './hours.ts';

export type SimRoute = 'region-data' | 'fuel-type-data';

export interface SimSeries {
  readonly code: string;
  /** `type-name` in the API's rows. */
  readonly name: string;
}

export interface SimRouteSpec {
  readonly route: SimRoute;
  /** Request path, as echoed in `request.command`. */
  readonly command: string;
  /** Facet that selects the series: `type` or `fueltype`; also the row field holding the code. */
  readonly seriesFacet: 'type' | 'fueltype';
  /** In the API's order (sorted by code), which is also the sort order within an hour. */
  readonly series: readonly SimSeries[];
  /** First hour (hour-ending, UTC) with data. */
  readonly firstHour: number;
  readonly description: string;
}

/** Last hour with data on every route: fixed so the data set never changes under a test. */
export const SIM_LAST_HOUR = hourOf('2026-11-24T23');

const REGION_SERIES: readonly SimSeries[] = [
  { code: 'D', name: 'Demand' },
  { code: 'DF', name: 'Day-ahead demand forecast' },
  { code: 'NG', name: 'Net generation' },
  { code: 'TI', name: 'Total interchange' },
];

/** Fuel codes sorted as the API sorts them within an hour. */
export const FUEL_CODES = ['COL', 'NG', 'NUC', 'OIL', 'OTH', 'SUN', 'WAT', 'WND'] as const;
export type FuelCode = (typeof FUEL_CODES)[number];
const FUEL_NAMES: Record<FuelCode, string> = {
  COL: 'Coal',
  NG: 'Natural Gas',
  NUC: 'Nuclear',
  OIL: 'Petroleum',
  OTH: 'Other',
  SUN: 'Solar',
  WAT: 'Hydro',
  WND: 'Wind',
};

export const SIM_ROUTES: Readonly<Record<SimRoute, SimRouteSpec>> = {
  'region-data': {
    route: 'region-data',
    command: '/v2/electricity/rto/region-data/data/',
    seriesFacet: 'type',
    series: REGION_SERIES,
    firstHour: hourOf('2015-07-01T00'),
    description:
      'Hourly demand, day-ahead demand forecast, net generation, and interchange by balancing authority.  \n' +
      '    Source: Form EIA-930\n    Product: Hourly Electric Grid Monitor',
  },
  'fuel-type-data': {
    route: 'fuel-type-data',
    command: '/v2/electricity/rto/fuel-type-data/data/',
    seriesFacet: 'fueltype',
    series: FUEL_CODES.map((code) => ({ code, name: FUEL_NAMES[code] })),
    firstHour: hourOf('2018-07-01T00'),
    description:
      'Hourly net generation by balancing authority and energy source.  \n' +
      '    Source: Form EIA-930\n    Product: Hourly Electric Grid Monitor',
  },
};

/** Finds the route whose data path matches `pathname` (trailing slash optional). */
export function routeForPath(pathname: string): SimRouteSpec | undefined {
  const path = pathname.endsWith('/') ? pathname : `${pathname}/`;
  return Object.values(SIM_ROUTES).find((r) => r.command === path);
}

/** Mean share of demand each non-residual fuel supplies; coal/gas fill the rest of generation. */
export type FuelShares = Readonly<Partial<Record<Exclude<FuelCode, 'COL' | 'NG'>, number>>>;

export interface SimRespondent {
  readonly code: string;
  readonly name: string;
  /** Standard-time UTC offset in hours (no DST: a simplification). */
  readonly utcOffset: number;
  readonly latitude: number;
  /** Mean demand, MW. */
  readonly scale: number;
  /** Annual mean and half-range of daily temperature, °C. */
  readonly meanTemp: number;
  readonly tempSwing: number;
  /** Demand sensitivity per °C above 20 (cooling) and below 14 (heating). */
  readonly cooling: number;
  readonly heating: number;
  readonly shares: FuelShares;
  /** Coal's part of the thermal residual; 0 = no coal reported. */
  readonly coal: number;
  /** Mean net export as a fraction of demand (negative = importer). */
  readonly exportShare: number;
}

type Row = [string, string, number, number, number, number, number, number, number, FuelShares, number, number];
// code, name, utcOffset, latitude, scale, meanTemp, tempSwing, cooling, heating, shares, coal, exportShare
const TABLE: readonly Row[] = [
  [
    'AZPS',
    'Arizona Public Service Company',
    -7,
    33.5,
    4_000,
    23,
    10,
    0.03,
    0.008,
    { NUC: 0.35, SUN: 0.12, OTH: 0.01, OIL: 0.002 },
    0.5,
    0.15,
  ],
  [
    'BPAT',
    'Bonneville Power Administration',
    -8,
    46,
    6_500,
    11,
    9,
    0.01,
    0.02,
    { NUC: 0.15, WAT: 0.95, WND: 0.2, SUN: 0.01, OTH: 0.01 },
    0,
    0.4,
  ],
  [
    'CISO',
    'California Independent System Operator',
    -8,
    36.5,
    26_000,
    17,
    7,
    0.03,
    0.008,
    { NUC: 0.08, WAT: 0.12, SUN: 0.22, WND: 0.08, OTH: 0.05, OIL: 0.001 },
    0.01,
    -0.2,
  ],
  [
    'CPLE',
    'Duke Energy Progress East',
    -5,
    35,
    6_500,
    16,
    10,
    0.025,
    0.02,
    { NUC: 0.4, SUN: 0.05, WAT: 0.01, OTH: 0.01, OIL: 0.002 },
    0.3,
    0,
  ],
  [
    'DUK',
    'Duke Energy Carolinas',
    -5,
    35,
    11_500,
    16,
    10,
    0.025,
    0.02,
    { NUC: 0.55, SUN: 0.03, WAT: 0.03, OTH: 0.01 },
    0.35,
    0.02,
  ],
  [
    'ERCO',
    'Electric Reliability Council of Texas, Inc.',
    -6,
    31,
    45_000,
    21,
    9,
    0.035,
    0.025,
    { NUC: 0.1, WND: 0.25, SUN: 0.08, WAT: 0.002, OTH: 0.01 },
    0.3,
    0,
  ],
  [
    'FPC',
    'Duke Energy Florida, Inc.',
    -5,
    28.5,
    5_000,
    23,
    6,
    0.035,
    0.02,
    { SUN: 0.07, OTH: 0.02, OIL: 0.003 },
    0.2,
    -0.05,
  ],
  [
    'FPL',
    'Florida Power & Light Co.',
    -5,
    26.5,
    14_000,
    24,
    5,
    0.035,
    0.015,
    { NUC: 0.22, SUN: 0.08, OTH: 0.01, OIL: 0.002 },
    0,
    0,
  ],
  [
    'ISNE',
    'ISO New England',
    -5,
    42.5,
    13_500,
    10,
    12,
    0.02,
    0.012,
    { NUC: 0.25, WAT: 0.06, WND: 0.03, SUN: 0.03, OTH: 0.06, OIL: 0.005 },
    0.01,
    -0.15,
  ],
  [
    'LDWP',
    'Los Angeles Department of Water and Power',
    -8,
    34,
    3_200,
    18,
    6,
    0.03,
    0.008,
    { WAT: 0.05, SUN: 0.1, WND: 0.05, OTH: 0.02 },
    0.2,
    -0.25,
  ],
  [
    'MISO',
    'Midcontinent Independent System Operator, Inc.',
    -6,
    41,
    75_000,
    11,
    14,
    0.035,
    0.012,
    { NUC: 0.14, WND: 0.15, SUN: 0.02, WAT: 0.01, OTH: 0.02, OIL: 0.001 },
    0.55,
    -0.02,
  ],
  ['NEVP', 'Nevada Power Company', -8, 36, 4_500, 20, 11, 0.035, 0.008, { SUN: 0.12, OTH: 0.03 }, 0, -0.1],
  [
    'NYIS',
    'New York Independent System Operator',
    -5,
    42,
    17_500,
    11,
    12,
    0.022,
    0.01,
    { NUC: 0.28, WAT: 0.2, WND: 0.04, SUN: 0.01, OTH: 0.02, OIL: 0.003 },
    0,
    -0.1,
  ],
  [
    'PACE',
    'PacifiCorp East',
    -7,
    41,
    6_000,
    9,
    13,
    0.02,
    0.015,
    { WAT: 0.02, WND: 0.15, SUN: 0.06, OTH: 0.01 },
    0.6,
    0.05,
  ],
  [
    'PACW',
    'PacifiCorp West',
    -8,
    45.5,
    2_600,
    11,
    8,
    0.015,
    0.02,
    { WAT: 0.18, WND: 0.1, SUN: 0.03, OTH: 0.02 },
    0,
    -0.3,
  ],
  [
    'PJM',
    'PJM Interconnection, LLC',
    -5,
    40,
    90_000,
    13,
    12,
    0.025,
    0.01,
    { NUC: 0.33, WND: 0.04, SUN: 0.02, WAT: 0.01, OTH: 0.02, OIL: 0.002 },
    0.3,
    0.05,
  ],
  [
    'PSCO',
    'Public Service Company of Colorado',
    -7,
    39.7,
    6_000,
    10,
    12,
    0.02,
    0.015,
    { WND: 0.25, SUN: 0.06, WAT: 0.02, OTH: 0.01 },
    0.5,
    0,
  ],
  [
    'SOCO',
    'Southern Company Services, Inc. - Trans',
    -6,
    33,
    27_000,
    18,
    9,
    0.03,
    0.02,
    { NUC: 0.2, SUN: 0.05, WAT: 0.03, OTH: 0.03 },
    0.3,
    0.03,
  ],
  [
    'SRP',
    'Salt River Project Agricultural Improvement and Power District',
    -7,
    33.4,
    3_800,
    23,
    10,
    0.035,
    0.008,
    { NUC: 0.2, SUN: 0.05, WAT: 0.02, OTH: 0.01 },
    0.4,
    0.1,
  ],
  [
    'SWPP',
    'Southwest Power Pool',
    -6,
    37,
    32_000,
    14,
    12,
    0.025,
    0.015,
    { NUC: 0.06, WND: 0.3, SUN: 0.01, WAT: 0.03, OTH: 0.01, OIL: 0.001 },
    0.45,
    0.05,
  ],
  ['TEC', 'Tampa Electric Company', -5, 28, 2_500, 23, 6, 0.035, 0.02, { SUN: 0.1, OTH: 0.01 }, 0.1, 0],
  [
    'TVA',
    'Tennessee Valley Authority',
    -6,
    35.5,
    19_000,
    15,
    11,
    0.025,
    0.02,
    { NUC: 0.4, WAT: 0.1, SUN: 0.01, WND: 0.005, OTH: 0.01, OIL: 0.001 },
    0.25,
    0,
  ],
];

/** The simulated respondents, sorted by code (the API's order within an hour). */
export const SIM_RESPONDENTS: readonly SimRespondent[] = TABLE.map(
  ([code, name, utcOffset, latitude, scale, meanTemp, tempSwing, cooling, heating, shares, coal, exportShare]) => ({
    code,
    name,
    utcOffset,
    latitude,
    scale,
    meanTemp,
    tempSwing,
    cooling,
    heating,
    shares,
    coal,
    exportShare,
  }),
);

/** Fuel codes a respondent reports: its shares plus NG (always) and COL when it burns coal. */
export function fuelsOf(r: SimRespondent): FuelCode[] {
  return FUEL_CODES.filter((f) => f === 'NG' || (f === 'COL' ? r.coal > 0 : (r.shares[f] ?? 0) > 0));
}

/** Series codes of a route that a respondent reports. */
export function seriesOf(route: SimRouteSpec, r: SimRespondent): string[] {
  return route.route === 'region-data' ? route.series.map((s) => s.code) : fuelsOf(r);
}
