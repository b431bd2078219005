// Errors of the evaluation step: a stable `code`, and a message that names the split, respondent,
// window or file, what was expected and what to do.
import { ExitCode, WattringError } from '../../core/index.ts';

export type EvaluationErrorCode =
  /** No forecast could be issued in the split (too short for the predictor's sequence, or all gaps). */
  | 'TRAIN_EVAL_NO_FORECASTS'
  /** The predictor returned an array of the wrong length or with a non-finite value. */
  | 'TRAIN_EVAL_PREDICTION'
  /** The store lacks what evaluation needs (a feature column or its normalisation). */
  | 'TRAIN_EVAL_STORE'
  /** The forecasts file could not be written; an older file at that path is left as it was. */
  | 'TRAIN_EVAL_WRITE_FAILED';

export class EvaluationError extends WattringError {
  override readonly code: EvaluationErrorCode;

  constructor(code: EvaluationErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, {
      ...options,
      exitCode:
        code === 'TRAIN_EVAL_WRITE_FAILED'
          ? ExitCode.environment
          : code === 'TRAIN_EVAL_PREDICTION'
            ? ExitCode.failed
            : ExitCode.usage,
    });
    this.code = code;
  }
}
