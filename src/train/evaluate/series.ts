// One respondent's hourly series in MWh, as evaluation scores them: the reported actuals, the
// history the baselines read (the store's target denormalised, fills included) and the BA's DF.
import {
  DEFAULT_DF_PUBLICATION,
  type DfPublication,
  type FeatureStore,
  type RespondentData,
  type RespondentMeta,
} from '../../features/index.ts';
import { EvaluationError } from './errors.ts';
import { HOUR_MS } from '../../core/index.ts';

export interface RespondentSeries {
  readonly code: string;
  readonly firstHour: number;
  readonly rows: number;
  /** The target's normalisation (the `demand` feature's train statistics): MWh = z · std + mean. */
  readonly norm: { readonly mean: number; readonly std: number };
  /** [rows] reported demand, MWh; NaN where not reported (filled and long-gap hours are no targets). */
  readonly actual: Float32Array;
  /** [rows] demand the baselines may use, MWh: reported or filled; NaN where neither (long gaps). */
  readonly history: Float64Array;
  /** [rows] the BA's day-ahead forecast for the hour, MWh; NaN where absent. */
  readonly df: Float64Array;
  /** The BA's standard-time UTC offset (hours) and the store's DF publication rule: when DF of an hour is known. */
  readonly utcOffset: number;
  readonly dfPublication: DfPublication;
}

/** Denormalises one normalised demand value with the respondent's target statistics. */
export function denormalise(z: number, norm: { readonly mean: number; readonly std: number }): number {
  return z * norm.std + norm.mean;
}

export function respondentSeries(store: FeatureStore, r: RespondentData): RespondentSeries {
  const meta = store.metadata.respondents.find((m) => m.code === r.code);
  if (meta === undefined)
    throw new EvaluationError(
      'TRAIN_EVAL_STORE',
      `feature store metadata has no respondent ${r.code}; rebuild the store`,
    );
  const norm = normOf(meta, 'demand');
  const F = store.metadata.features.length;
  const observed = featureIndex(store, 'demand_observed');
  const filled = featureIndex(store, 'demand_filled');
  const history = new Float64Array(r.hours);
  for (let t = 0; t < r.hours; t++) {
    const known = r.features[t * F + observed] === 1 || r.features[t * F + filled] === 1;
    history[t] = known ? denormalise(r.target[t] ?? Number.NaN, norm) : Number.NaN;
  }
  return {
    code: r.code,
    firstHour: r.firstPeriodMs / HOUR_MS,
    rows: r.hours,
    norm,
    actual: r.demand,
    history,
    df: dayAhead(store, r, meta),
    utcOffset: meta.calendarUtcOffsetHours,
    dfPublication: store.metadata.dfPublication ?? DEFAULT_DF_PUBLICATION,
  };
}

/** DF lives in the `df` feature (z-scored with its own train statistics), present where `df_available` is 1. */
function dayAhead(store: FeatureStore, r: RespondentData, meta: RespondentMeta): Float64Array {
  const out = new Float64Array(r.hours).fill(Number.NaN);
  const F = store.metadata.features.length;
  const names = store.featureNames;
  const df = names.indexOf('df');
  const available = names.indexOf('df_available');
  if (df < 0 || available < 0) return out; // an older feature list without DF: no benchmark
  const norm = normOf(meta, 'df');
  for (let t = 0; t < r.hours; t++) {
    if (r.features[t * F + available] === 1) out[t] = denormalise(r.features[t * F + df] ?? Number.NaN, norm);
  }
  return out;
}

function normOf(meta: RespondentMeta, feature: string): { mean: number; std: number } {
  const n = meta.normalisation[feature];
  if (n === undefined || !Number.isFinite(n.mean) || !(n.std > 0)) {
    throw new EvaluationError(
      'TRAIN_EVAL_STORE',
      `feature store metadata: respondent ${meta.code} has no usable normalisation for "${feature}"; rebuild the store`,
    );
  }
  return n;
}

function featureIndex(store: FeatureStore, name: string): number {
  const i = store.featureNames.indexOf(name);
  if (i < 0)
    throw new EvaluationError(
      'TRAIN_EVAL_STORE',
      `feature store has no "${name}" feature column; rebuild it with this version of bench features`,
    );
  return i;
}
