// Test support for evaluation: a real small feature store on disk (two respondents, Jan–Apr 2023,
// test split = April) and predictors that are oracles with known answers, read from that store.
import { join } from 'node:path';
import {
  buildFeatureStore,
  openFeatureStore,
  type FeatureStore,
  type RespondentData,
} from '../../../src/features/index.ts';
import type { Predictor } from '../../../src/train/evaluate/index.ts';
import { SPLITS, WINDOW, writeWorld } from '../../features/support/world.ts';
import type { SyntheticOptions } from '../../features/support/synthetic.ts';

export const HORIZON = WINDOW.horizon;

/** Builds raw files and a store under dir/name, and reopens it from disk (as bench forecast does). */
export function buildEvalStore(dir: string, name: string, overrides: Partial<SyntheticOptions> = {}): FeatureStore {
  const raw = writeWorld(dir, `${name}-raw`, overrides);
  const out = join(dir, name);
  buildFeatureStore({ input: raw, output: out, splits: SPLITS, window: WINDOW });
  return openFeatureStore(out);
}

export function respondentOf(store: FeatureStore, code: string): RespondentData {
  const r = store.respondents.find((x) => x.code === code);
  if (r === undefined) throw new Error(`no respondent ${code} in the test store`);
  return r;
}

/** A predictor whose value for target row j (issued at row i = j − h) is value(r, i, j), normalised. */
export function oracle(
  store: FeatureStore,
  seqLen: number,
  value: (r: RespondentData, i: number, j: number) => number,
): Predictor & { calls: { respondent: string; start: number }[] } {
  const calls: { respondent: string; start: number }[] = [];
  return {
    seqLen,
    quantiles: [0.5],
    calls,
    predict(respondent, start) {
      calls.push({ respondent, start });
      const r = respondentOf(store, respondent);
      const out = new Float32Array(seqLen * HORIZON);
      for (let p = 0; p < seqLen; p++) {
        for (let h = 1; h <= HORIZON; h++) out[p * HORIZON + h - 1] = value(r, start + p, start + p + h);
      }
      return Promise.resolve(out);
    },
  };
}

/** Returns the store's normalised demand one week before the target: the seasonal-naive forecast. */
export function seasonalNaivePredictor(store: FeatureStore, seqLen: number): ReturnType<typeof oracle> {
  return oracle(store, seqLen, (r, _i, j) => r.target[j - 168] ?? 0);
}

/** Returns the true future normalised demand (it cheats, on purpose: the answer must be MAPE ≈ 0). */
export function perfectPredictor(store: FeatureStore, seqLen: number): ReturnType<typeof oracle> {
  return oracle(store, seqLen, (r, _i, j) => r.target[j] ?? 0);
}

/**
 * A quantile predictor at levels [0.1, 0.5, 0.9]: P50 = the value 24 h before the target (naive-24 h),
 * P10/P90 = P50 ∓ `spread` (normalised units). It returns each hour's levels out of order
 * ([P90, P10, P50]), as a head whose quantiles cross might, so evaluation must sort them.
 */
export function bandPredictor(
  store: FeatureStore,
  seqLen: number,
  spread: number,
): Predictor & { calls: { respondent: string; start: number }[] } {
  const calls: { respondent: string; start: number }[] = [];
  return {
    seqLen,
    quantiles: [0.1, 0.5, 0.9],
    calls,
    predict(respondent, start) {
      calls.push({ respondent, start });
      const r = respondentOf(store, respondent);
      const out = new Float32Array(seqLen * HORIZON * 3);
      for (let p = 0; p < seqLen; p++) {
        for (let h = 1; h <= HORIZON; h++) {
          const z = r.target[start + p + h - 24] ?? 0;
          out.set([z + spread, z - spread, z], (p * HORIZON + h - 1) * 3);
        }
      }
      return Promise.resolve(out);
    },
  };
}
