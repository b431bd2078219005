// Adaptive calibration of the forecast interval from the forecaster's own recent errors (split
// conformal over a rolling window, as adaptive conformal inference does for time series: Gibbs &
// Candès 2021). Quantiles trained by pinball loss cover less than nominal when the future is harder
// than the train years (measured on real history: docs/train.md, "The interval"). At
// issue hour t the outer quantiles of each lead h move out (or in) by the conformal quantile of the
// scores max(P_lo − y, y − P_hi) of the same lead's forecasts issued in the last `lookback` hours
// whose target hour had been reported by t — nothing after t is read.
import type { FeatureStore } from '../features/index.ts';
import type { Predictor } from './evaluate/index.ts';

export interface IntervalCalibration {
  /** Issue hours of recent forecasts whose scores set the offset. */
  readonly lookback: number;
  /** Fewest scores an offset is taken from; fewer leave the interval as the head gave it. */
  readonly minScores: number;
}

/** 14 days: half the default window, so every forecast evaluation scores has a full look-back. */
export const DEFAULT_INTERVAL_CALIBRATION: IntervalCalibration = { lookback: 336, minScores: 48 };

/** The ⌈(n + 1)·level⌉-th smallest of xs[0, n) (+∞ when n is too small to promise the level). */
function conformalQuantile(xs: Float64Array, n: number, level: number): number {
  const rank = Math.ceil((n + 1) * level);
  if (rank > n) return Number.POSITIVE_INFINITY;
  return xs.subarray(0, n).sort()[rank - 1] ?? Number.POSITIVE_INFINITY;
}

/**
 * The predictor with each hour's quantiles sorted (a head's quantiles may cross; evaluation sorts
 * them too) and its lowest and highest moved by the rolling conformal offset. Positions with fewer
 * than `minScores` earlier scores (the start of a window) keep the head's interval.
 */
export function calibratedPredictor(
  store: FeatureStore,
  predictor: Predictor,
  calibration: IntervalCalibration = DEFAULT_INTERVAL_CALIBRATION,
): Predictor {
  const levels = predictor.quantiles;
  const Q = levels.length;
  const nominal = (levels[Q - 1] ?? 0.5) - (levels[0] ?? 0.5);
  const H = store.metadata.window.horizon;
  const T = predictor.seqLen;
  return {
    seqLen: T,
    quantiles: levels,
    async predict(respondent, start) {
      const pred = await predictor.predict(respondent, start);
      if (Q < 2) return pred;
      const r = store.respondents.find((x) => x.code === respondent);
      if (!r) return pred;
      for (let k = 0; k < T * H; k++) pred.subarray(k * Q, (k + 1) * Q).sort();
      // scores[p·H + h]: lead h + 1 of the forecast issued at position p; NaN where y is unknown.
      const scores = new Float64Array(T * H).fill(Number.NaN);
      for (let p = 0; p < T; p++) {
        for (let h = 0; h < H; h++) {
          const row = start + p + 1 + h;
          if (row >= r.hours || Number.isNaN(r.demand[row] ?? Number.NaN)) continue;
          const y = r.target[row] ?? Number.NaN;
          const k = (p * H + h) * Q;
          scores[p * H + h] = Math.max((pred[k] ?? 0) - y, y - (pred[k + Q - 1] ?? 0));
        }
      }
      const buffer = new Float64Array(calibration.lookback);
      const offsets = new Float64Array(T * H);
      for (let p = 0; p < T; p++) {
        for (let h = 0; h < H; h++) {
          let n = 0;
          // Forecast p' of lead h + 1 targets position p' + h + 1: known at p when p' ≤ p − h − 1.
          for (let q = Math.max(0, p - calibration.lookback); q <= p - h - 1; q++) {
            const s = scores[q * H + h] ?? Number.NaN;
            if (!Number.isNaN(s)) buffer[n++] = s;
          }
          offsets[p * H + h] = n >= calibration.minScores ? conformalQuantile(buffer, n, nominal) : 0;
        }
      }
      for (let k = 0; k < T * H; k++) {
        const d = offsets[k] ?? 0;
        if (!Number.isFinite(d)) continue;
        pred[k * Q] = (pred[k * Q] ?? 0) - d;
        pred[k * Q + Q - 1] = (pred[k * Q + Q - 1] ?? 0) + d;
      }
      return pred;
    },
  };
}
