// Normalisation fitted on the train split only (per respondent, per feature), then applied to
// every row; the result is one Float32 column per feature, then the time-major matrix [hours, features].
import { RawInputError } from './errors.ts';
import type { FeatureSpec } from './feature-spec.ts';

export interface NormStats {
  /** Per feature, in spec order; identity features have mean 0, std 1. */
  readonly mean: number[];
  readonly std: number[];
  /** Train rows (finite values of `demand`) the statistics came from. */
  readonly trainRows: number;
}

/** Mean/std of each zscore feature over rows [start, end) (the train split); NaN rows skipped. */
export function fitStats(
  code: string,
  columns: readonly Float64Array[],
  specs: readonly FeatureSpec[],
  start: number,
  end: number,
): NormStats {
  const mean: number[] = [];
  const std: number[] = [];
  let trainRows = 0;
  specs.forEach((spec, f) => {
    const c = columns[f] ?? new Float64Array(0);
    const { m, s, count } = moments(c, start, end);
    if (spec.name === 'demand') trainRows = count;
    const zscore = spec.normalisation === 'zscore' && count > 0;
    mean.push(zscore ? m : 0);
    // A constant or absent feature keeps scale 1 so it normalises to 0 instead of dividing by 0.
    std.push(zscore && s > 0 ? s : 1);
  });
  if (trainRows === 0) {
    throw new RawInputError(
      'FEATURES_NO_TRAIN_DATA',
      `respondent ${code} has no demand in the train split; normalisation is fitted on train only — ` +
        'move the train range of --split to cover its data or leave the respondent out',
    );
  }
  return { mean, std, trainRows };
}

function moments(c: Float64Array, start: number, end: number): { m: number; s: number; count: number } {
  const from = Math.max(0, start);
  const to = Math.min(end, c.length);
  let count = 0;
  let sum = 0;
  for (let t = from; t < to; t++) {
    const v = c[t] ?? Number.NaN;
    if (!Number.isNaN(v)) {
      count++;
      sum += v;
    }
  }
  if (count === 0) return { m: 0, s: 0, count };
  const m = sum / count;
  let sq = 0;
  for (let t = from; t < to; t++) {
    const v = c[t] ?? Number.NaN;
    if (!Number.isNaN(v)) sq += (v - m) * (v - m);
  }
  return { m, s: Math.sqrt(sq / count), count };
}

/** columns[f][t] → (x − mean_f) / std_f as Float32, and 0 where x is not available (NaN). */
export function normaliseColumns(columns: readonly Float64Array[], stats: NormStats): Float32Array[] {
  return columns.map((c, f) => {
    const m = stats.mean[f] ?? 0;
    const inv = 1 / (stats.std[f] ?? 1);
    const out = new Float32Array(c.length);
    for (let t = 0; t < c.length; t++) {
      const v = c[t] ?? Number.NaN;
      out[t] = !Number.isNaN(v) ? (v - m) * inv : 0;
    }
    return out;
  });
}

/** Column-major → time-major [hours, F], in row blocks so sources and destination stay in cache. */
export function interleave(columns: readonly Float32Array[], hours: number): Float32Array {
  const F = columns.length;
  const out = new Float32Array(hours * F);
  const BLOCK = 1024; // 1,024 rows × F floats ≈ 150 KB of destination per block
  for (let t0 = 0; t0 < hours; t0 += BLOCK) {
    const t1 = Math.min(hours, t0 + BLOCK);
    columns.forEach((c, f) => {
      for (let t = t0, at = t0 * F + f; t < t1; t++, at += F) out[at] = c[t] ?? 0;
    });
  }
  return out;
}
