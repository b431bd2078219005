// Errors of the train stage: a stable code, a message naming the flag, file or step.
import { ExitCode, UsageError, WattringError } from '../core/index.ts';

/** Bad input to training (a flag, a store, a run folder): exit status 2. */
export class TrainUsageError extends UsageError {}

/** Training stopped (a NaN or infinite loss): exit status 1; the last good checkpoint is kept. */
export class TrainDivergedError extends WattringError {
  constructor(message: string) {
    super('TRAIN_DIVERGED', message, { exitCode: ExitCode.failed });
  }
}
