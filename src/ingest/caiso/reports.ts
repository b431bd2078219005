// The CAISO OASIS reports we ingest (docs/ingest-caiso.md): query name, version, market runs, the
// column naming the area or hub, and how a CSV row becomes a (respondent, series) of the store.
import type { CaisoRawRoute } from '../../core/index.ts';

export type CaisoReportName = 'SLD_FCST' | 'SLD_REN_FCST' | 'ENE_SLRS';

export interface CaisoReportSpec {
  readonly name: CaisoReportName;
  readonly version: number;
  readonly marketRuns: readonly string[];
  /** CSV column holding the TAC area, hub or zone: the store's `respondent`. */
  readonly respondentColumn: string;
  /** Areas or hubs a complete reply holds (the twin's; the coverage report expects them). */
  readonly respondents: readonly string[];
  /** Extra part of the series name, from the row (renewable type), when one run carries several series. */
  readonly seriesPart?: (field: (column: string) => string) => string;
}

/** Load areas of SLD_FCST that are CAISO's own (the real reply also holds WEIM areas; they land too). */
export const CAISO_TAC_AREAS = ['CA ISO-TAC', 'MWD-TAC', 'PGE-TAC', 'SCE-TAC', 'SDGE-TAC', 'VEA-TAC'] as const;
export const CAISO_HUBS = ['NP15', 'SP15', 'ZP26'] as const;
export const CAISO_SLRS_ZONES = ['Caiso_Totals', 'TAC_NORTH', 'TAC_SOUTH', 'TAC_ECNTR'] as const;

export const CAISO_REPORTS: Readonly<Record<CaisoReportName, CaisoReportSpec>> = {
  SLD_FCST: {
    name: 'SLD_FCST',
    version: 1,
    marketRuns: ['ACTUAL', 'DAM', '2DA', '7DA', 'RTM'],
    respondentColumn: 'TAC_AREA_NAME',
    respondents: CAISO_TAC_AREAS,
  },
  SLD_REN_FCST: {
    name: 'SLD_REN_FCST',
    version: 1,
    marketRuns: ['ACTUAL', 'DAM'],
    respondentColumn: 'TRADING_HUB',
    respondents: CAISO_HUBS,
    seriesPart: (field) => field('RENEWABLE_TYPE').toUpperCase(),
  },
  ENE_SLRS: {
    name: 'ENE_SLRS',
    version: 1,
    marketRuns: ['RTM', 'DAM'],
    respondentColumn: 'TAC_ZONE_NAME',
    respondents: CAISO_SLRS_ZONES,
    seriesPart: (field) => field('XML_DATA_ITEM'),
  },
};

/** One report at one market run, as `--reports` names it: `SLD_FCST:DAM`. */
export interface CaisoReportRun {
  readonly report: CaisoReportName;
  readonly marketRun: string;
}

export function isCaisoReport(name: string): name is CaisoReportName {
  return Object.hasOwn(CAISO_REPORTS, name);
}

/** `SLD_FCST:DAM` — also the window's route and the prefix of its series names. */
export function reportRunName(r: CaisoReportRun): CaisoRawRoute {
  return `${r.report}:${r.marketRun}`;
}

/** The store's series of a CSV row: `SLD_FCST:DAM`, `SLD_REN_FCST:DAM:SOLAR`, `ENE_SLRS:RTM:TOT_GEN_MW`. */
export function seriesOfRow(r: CaisoReportRun, field: (column: string) => string): string {
  const part = CAISO_REPORTS[r.report].seriesPart?.(field);
  return part ? `${reportRunName(r)}:${part}` : reportRunName(r);
}

/** The series a complete reply holds for one respondent (coverage expectation); empty = whatever lands. */
export function expectedSeries(r: CaisoReportRun): string[] {
  if (r.report === 'SLD_FCST') return [reportRunName(r)];
  if (r.report === 'SLD_REN_FCST') return [`${reportRunName(r)}:SOLAR`, `${reportRunName(r)}:WIND`];
  return [];
}
