// Public entry of the features stage: raw Arrow files → leak-free feature store → windows.
export { buildFeatureStore } from './build.ts';
export type { BuildOptions, BuildSummary } from './build.ts';
export { openFeatureStore } from './store-read.ts';
export type { OpenOptions } from './store-read.ts';
export { FeatureStore, STORE_SCHEMA } from './store.ts';
export type { RespondentData, RespondentMeta, StoreMetadata, WindowView } from './store.ts';
export { parseSplits, SPLIT_NAMES } from './splits.ts';
export type { SplitName, SplitRange } from './splits.ts';
export { DEFAULT_WINDOW, MIN_TARGET_SHARE, planWindows, RECENT_INPUT_HOURS } from './windows.ts';
export type { WindowShape, WindowStarts } from './windows.ts';
export {
  checkDfPublication,
  DEFAULT_DF_PUBLICATION,
  dfKnownFrom,
  midnightIssueSeesAllDf,
} from './df-publication.ts';
export type { DfPublication } from './df-publication.ts';
export { DEFAULT_GAPS, GAP_FILLS, resolveGaps } from './gaps.ts';
export type { DemandGaps, GapFill, GapSettings } from './gaps.ts';
export { DEMAND_LAGS, featureSpecs, ROLLING_HOURS, WARM_UP_HOURS } from './feature-spec.ts';
export type { FeatureSpec, Normalisation } from './feature-spec.ts';
export { computeFeatures } from './compute.ts';
export type { RespondentFeatures } from './compute.ts';
export { buildGrids } from './grid.ts';
export type { RespondentGrid } from './grid.ts';
export { listRawFiles, readRawFolder } from './raw-files.ts';
export type { RawChunk, RawInput, RawInputFile } from './raw-files.ts';
export type { RawFileOrigin } from './raw-schema.ts';
export { rollingStats } from './rolling.ts';
export { ANOMALY, ANOMALY_CLASSES, countAnomalies, DEFAULT_SCREEN, screenSeries, trainLevel } from './screen.ts';
export type { AnomalyClass, AnomalyCode, AnomalyCounts, ScreenSettings } from './screen.ts';
export type { RollingStats } from './rolling.ts';
export { federalHolidays, holidayDays } from './holidays.ts';
export type { Holiday } from './holidays.ts';
export { CALENDAR_FEATURES, STANDARD_UTC_OFFSET, writeCalendar } from './calendar.ts';
export { FeatureStoreError, RawInputError, SplitError, StoreWriteError } from './errors.ts';
export { measureWindowIteration } from './iterate.ts';
export type { IterationReport } from './iterate.ts';
