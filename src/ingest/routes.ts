// The EIA v2 hourly routes we ingest and the codes they accept (docs/ingest-sim.md "What it answers" mirrors the real
// API).

export type RouteName = 'region-data' | 'fuel-type-data';

export interface RouteSpec {
  readonly name: RouteName;
  /** Path under the API base, e.g. `electricity/rto/region-data/data/`. */
  readonly path: string;
  /** Facet that holds the series code in each row (`type` or `fueltype`). */
  readonly seriesFacet: 'type' | 'fueltype';
  /** Series codes the route knows; an empty `--series` selection means all of them. */
  readonly series: readonly string[];
  /** Rows per respondent-hour to plan with when the series set is not given (fuel mix varies). */
  readonly defaultSeriesPerRespondent: number;
}

export const ROUTES: Readonly<Record<RouteName, RouteSpec>> = {
  'region-data': {
    name: 'region-data',
    path: 'electricity/rto/region-data/data/',
    seriesFacet: 'type',
    series: ['D', 'DF', 'NG', 'TI'],
    defaultSeriesPerRespondent: 4,
  },
  'fuel-type-data': {
    name: 'fuel-type-data',
    path: 'electricity/rto/fuel-type-data/data/',
    seriesFacet: 'fueltype',
    series: ['COL', 'NG', 'NUC', 'OIL', 'WAT', 'SUN', 'WND', 'OTH', 'BAT', 'GEO', 'PS', 'SNB', 'UNK', 'WNB'],
    defaultSeriesPerRespondent: 8,
  },
};

export function isRouteName(name: string): name is RouteName {
  return Object.hasOwn(ROUTES, name);
}

/**
 * EIA-930 respondent codes (balancing authorities and region aggregates). `SPP` and `CARO` are
 * deliberately absent: the API answers them with an empty result instead of an error.
 */
export const KNOWN_RESPONDENTS: ReadonlySet<string> = new Set([
  'AEC',
  'AECI',
  'AVA',
  'AVRN',
  'AZPS',
  'BANC',
  'BPAT',
  'CHPD',
  'CISO',
  'CPLE',
  'CPLW',
  'DEAA',
  'DOPD',
  'DUK',
  'EEI',
  'EPE',
  'ERCO',
  'FMPP',
  'FPC',
  'FPL',
  'GCPD',
  'GLHB',
  'GRID',
  'GRIF',
  'GRMA',
  'GVL',
  'GWA',
  'HGMA',
  'HST',
  'IID',
  'IPCO',
  'ISNE',
  'JEA',
  'LDWP',
  'LGEE',
  'MISO',
  'NEVP',
  'NSB',
  'NWMT',
  'NYIS',
  'OVEC',
  'PACE',
  'PACW',
  'PGE',
  'PJM',
  'PNM',
  'PSCO',
  'PSEI',
  'SC',
  'SCEG',
  'SCL',
  'SEC',
  'SEPA',
  'SOCO',
  'SPA',
  'SRP',
  'SWPP',
  'TAL',
  'TEC',
  'TEPC',
  'TIDC',
  'TPWR',
  'TVA',
  'WACM',
  'WALC',
  'WAUW',
  'WWA',
  'YAD',
  'AESO',
  'BCHA',
  'CEN',
  'CFE',
  'HQT',
  'IESO',
  'MHEB',
  'NBSO',
  'SPC',
  'CAL',
  'CAR',
  'CENT',
  'FLA',
  'MIDA',
  'MIDW',
  'NE',
  'NW',
  'NY',
  'SE',
  'SW',
  'TEN',
  'TEX',
  'US48',
]);
