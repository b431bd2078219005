// What evaluation needs from a trained model: normalised 24-hour predictions at every position of
// one window of a respondent's rows (the model itself is wired in by the train stage).
import { EvaluationError } from './errors.ts';

/**
 * A causal forecaster over the store's rows. `predict(respondent, startRow)` returns
 * `[seqLen, horizon]` row-major normalised demand: row p is the forecast issued at the end of hour
 * `startRow + p` for hours `startRow + p + 1 … + horizon`, computed from rows `startRow … startRow + p` only.
 */
export interface Predictor {
  readonly seqLen: number;
  predict(respondent: string, startRow: number): Promise<Float32Array>;
}

/** Calls the predictor and checks the shape and that every value is finite. */
export async function predictWindow(
  predictor: Predictor,
  respondent: string,
  startRow: number,
  horizon: number,
): Promise<Float32Array> {
  const out = await predictor.predict(respondent, startRow);
  const expected = predictor.seqLen * horizon;
  if (out.length !== expected) {
    throw new EvaluationError(
      'TRAIN_EVAL_PREDICTION',
      `predictor for ${respondent} at row ${startRow}: returned ${out.length} values, expected seqLen × horizon = ` +
        `${predictor.seqLen} × ${horizon} = ${expected}; the model's horizon must equal the store's`,
    );
  }
  for (let k = 0; k < out.length; k++) {
    if (!Number.isFinite(out[k])) {
      const p = Math.floor(k / horizon);
      throw new EvaluationError(
        'TRAIN_EVAL_PREDICTION',
        `predictor for ${respondent} at row ${startRow}: value ${out[k]} at position ${p}, horizon ${(k % horizon) + 1} is not finite; ` +
          'check the model weights (a diverged checkpoint?)',
      );
    }
  }
  return out;
}
