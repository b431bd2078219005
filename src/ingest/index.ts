// Public entry of the ingest stage: EIA v2 client, request plan, limiter, Arrow store, extract
// run, the simulated EIA server (./sim), the CAISO OASIS client and twin (./caiso), and several
// workers on one key through Redis (./cluster).
export { encodeRawFile, rawMetadata } from './arrow.ts';
export type { RawSource, RawWriteMeta } from './arrow.ts';
export { EiaClient, PAGE_LENGTH } from './client.ts';
export type { EiaClientOptions, Page, PageQuery } from './client.ts';
export { newDicts, RowColumns, StringDict } from './columns.ts';
export type { WindowDicts } from './columns.ts';
export { coverageReport } from './coverage.ts';
export type { CoverageExpectation, CoverageReport, SeriesCoverage } from './coverage.ts';
export {
  EiaApiError,
  EiaError,
  EiaKeyError,
  EiaNotFoundError,
  EiaParamError,
  EiaThrottledError,
  EiaTransientError,
  ExtractUsageError,
  OutputError,
} from './errors.ts';
export type { RetryClass, TransientKind } from './errors.ts';
export { leaseMsFor, runExtract } from './extract.ts';
export type { ClusterPart, DamagedWindow, ExtractOptions, ExtractResult, Progress, WindowOutcome } from './extract.ts';
export { formatHour, HOUR_MS, hoursInclusive, parseHour } from './hours.ts';
export { readRawColumns, scanLanded } from './landed.ts';
export type { LandedScan, RawColumns } from './landed.ts';
export { KeyLimiter } from './limiter.ts';
export type { LimiterOptions } from './limiter.ts';
export { AdaptiveMargin } from './spacing.ts';
export type { AdaptiveMarginOptions } from './spacing.ts';
export { MANIFEST_FILE, readManifest } from './manifest.ts';
export type { LandedWindow, Manifest } from './manifest.ts';
export { planRequests } from './plan.ts';
export type { Plan, PlanInput, PlannedWindow } from './plan.ts';
export { redactParams, redactText, redactUrl } from './redact.ts';
export { backoffDelay, defaultRetryPolicy, withRetries } from './retry.ts';
export type { RetryPolicy } from './retry.ts';
export { isRouteName, KNOWN_RESPONDENTS, ROUTES } from './routes.ts';
export type { RouteName, RouteSpec } from './routes.ts';
export { EnvelopeSchema, parseRows } from './schema.ts';
export { rateFigures, RunStats } from './stats.ts';
export { checkLandedFile, checkLandedFolder } from './verify.ts';
export type { FileCheck, FileProblem, FolderCheck } from './verify.ts';
export type { RateFigures } from './stats.ts';
export * from './sim/index.ts';
export * from './caiso/index.ts';
export * from './cluster/index.ts';
