// Public entry of the CAISO OASIS part of ingest (re-exported by src/ingest/index.ts): client,
// reports, plan, extract run and the simulated twin (./sim).
export { CAISO_BASE_URL, CaisoClient } from './client.ts';
export type { CaisoClientOptions, CaisoQuery, CaisoReply } from './client.ts';
export {
  CaisoApiError,
  CaisoParamError,
  CaisoThrottledError,
  CaisoTransientError,
  CaisoWindowTooLongError,
} from './errors.ts';
export { CAISO_RATE_PER_HOUR, runCaisoExtract } from './extract.ts';
export { CaisoWindowFetcher } from './fetch-window.ts';
export type { CaisoExtractOptions, CaisoExtractResult } from './extract.ts';
export { CAISO_UNITS, hourlyRows } from './hourly.ts';
export type { HourlyRows } from './hourly.ts';
export { formatOasisTime, parseGmtStamp, parseOasisTime } from './oasis-time.ts';
export { MAX_WINDOW_HOURS, planCaiso } from './plan.ts';
export type { CaisoPlan, CaisoPlanInput, CaisoWindow } from './plan.ts';
export { readPayload } from './reply.ts';
export type { OasisPayload } from './reply.ts';
export {
  CAISO_HUBS,
  CAISO_REPORTS,
  CAISO_SLRS_ZONES,
  CAISO_TAC_AREAS,
  expectedSeries,
  isCaisoReport,
  reportRunName,
  seriesOfRow,
} from './reports.ts';
export type { CaisoReportName, CaisoReportRun, CaisoReportSpec } from './reports.ts';
export * from './sim/index.ts';
