// What evaluation needs from a trained model: normalised 24-hour quantile predictions at every
// position of one window of a respondent's rows (the model itself is wired in by the train stage).
import { EvaluationError } from './errors.ts';

/**
 * A causal forecaster over the store's rows. `predict(respondent, startRow)` returns
 * `[seqLen, horizon, Q]` row-major normalised demand, Q = `quantiles.length`: entry (p, h − 1, q) is
 * quantile `quantiles[q]` of the forecast issued at the end of hour `startRow + p` for hour
 * `startRow + p + h`, computed from rows `startRow … startRow + p` only. The 0.5 quantile (P50) is
 * the point forecast.
 */
export interface Predictor {
  readonly seqLen: number;
  /** Strictly ascending levels in (0, 1) holding 0.5, e.g. [0.1, 0.5, 0.9]; [0.5] for a point model. */
  readonly quantiles: readonly number[];
  predict(respondent: string, startRow: number): Promise<Float32Array>;
}

/** Index of 0.5 in the predictor's quantiles; refuses levels that are not ascending in (0, 1). */
export function checkQuantiles(quantiles: readonly number[]): number {
  const ascending = quantiles.every((q, k) => q > 0 && q < 1 && (k === 0 || q > (quantiles[k - 1] ?? 1)));
  const median = quantiles.indexOf(0.5);
  if (quantiles.length === 0 || !ascending || median < 0) {
    throw new EvaluationError(
      'TRAIN_EVAL_PREDICTION',
      `predictor quantiles [${quantiles.join(', ')}]: expected strictly ascending levels in (0, 1) that hold 0.5 ` +
        '(the point forecast), e.g. [0.1, 0.5, 0.9]',
    );
  }
  return median;
}

/**
 * Calls the predictor and checks the shape and that every value is finite. Quantiles may cross
 * (nothing in a pinball-trained head forbids P10 > P50 at some hour), so each (position, horizon)
 * row of the returned array is sorted ascending in place here, before anything is scored: the reported P10 is then the
 * lowest of the
 * Q values (Chernozhukov et al. 2010, "Quantile and probability curves without crossing": sorting never
 * raises the pinball loss).
 */
export async function predictWindow(
  predictor: Predictor,
  respondent: string,
  startRow: number,
  horizon: number,
): Promise<Float32Array> {
  const out = await predictor.predict(respondent, startRow);
  const Q = predictor.quantiles.length;
  const expected = predictor.seqLen * horizon * Q;
  if (out.length !== expected) {
    throw new EvaluationError(
      'TRAIN_EVAL_PREDICTION',
      `predictor for ${respondent} at row ${startRow}: returned ${out.length} values, expected seqLen × horizon × ` +
        `quantiles = ${predictor.seqLen} × ${horizon} × ${Q} = ${expected}; the model's horizon must equal the store's`,
    );
  }
  for (let k = 0; k < out.length; k++) {
    if (!Number.isFinite(out[k])) {
      const p = Math.floor(k / (horizon * Q));
      const h = (Math.floor(k / Q) % horizon) + 1;
      throw new EvaluationError(
        'TRAIN_EVAL_PREDICTION',
        `predictor for ${respondent} at row ${startRow}: value ${out[k]} at position ${p}, horizon ${h}, ` +
          `quantile ${predictor.quantiles[k % Q]} is not finite; check the model weights (a diverged checkpoint?)`,
      );
    }
  }
  if (Q > 1) for (let k = 0; k < out.length; k += Q) out.subarray(k, k + Q).sort();
  return out;
}
