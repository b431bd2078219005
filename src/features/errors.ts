// Errors of the features stage: each names the file, column, respondent, split or flag at fault.
import { ExitCode, UsageError, WattringError } from '../core/index.ts';

/** Raw input that cannot become a feature store (empty folder, wrong schema, no demand, …). */
export class RawInputError extends UsageError {}

/** A `--split` value that is malformed, out of order or overlapping. */
export class SplitError extends UsageError {}

/** A feature store on disk that is missing, from another version, or inconsistent. */
export class FeatureStoreError extends WattringError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: ExitCode.usage });
  }
}

/** The store could not be written (unwritable folder, disk full); nothing half-written remains. */
export class StoreWriteError extends WattringError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('FEATURES_WRITE_FAILED', message, { ...options, exitCode: ExitCode.environment });
  }
}
