// Evaluation's outputs (forecasts, plots, run.json) go through core's crash-safe write; this wrapper
// only turns a failed write into an EvaluationError that names the path and the fix.
import { writeFileAtomicSync } from '../../core/index.ts';
import { EvaluationError } from './errors.ts';

export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  try {
    writeFileAtomicSync(path, bytes);
  } catch (cause) {
    throw new EvaluationError(
      'TRAIN_EVAL_WRITE_FAILED',
      `${path}: could not be written (${String(cause)}); any earlier file there is unchanged — ` +
        'check the folder exists and is writable',
      { cause },
    );
  }
}
