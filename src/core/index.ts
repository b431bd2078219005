// Public entry of the shared core: error classes and exit codes used by every stage, the raw
// file contract that ingest writes and features reads, the numerics tests and benchmarks share,
// and the small helpers every stage needs once (crash-safe writes, order statistics, hour constants).
export { ExitCode, UsageError, WattringError } from './errors.ts';
export { isRawRoute, RAW_COLUMNS, RAW_META_KEYS, RAW_ROUTES, RAW_SCHEMA_VERSION } from './raw-contract.ts';
export type { CaisoRawRoute, RawFileMeta, RawRoute } from './raw-contract.ts';
export { allClose, CloseAccumulator, describeWorst, FP32_TOLERANCE, seededF32 } from './numerics.ts';
export type { AllCloseReport, Tolerance, WorstElement } from './numerics.ts';
export { dropDawnInfo, hideDawnInfo, isDawnInfoLine } from './dawn-stderr.ts';
export {
  commitTempFile,
  TEMP_SUFFIX,
  tempPathFor,
  writeFileAtomic,
  writeFileAtomicSync,
  writeTempFile,
} from './atomic-write.ts';
export { median, quantile, quantileOfSorted } from './stats.ts';
export { DAY_HOURS, DAY_MS, HOUR_MS, WEEK_HOURS } from './time.ts';
