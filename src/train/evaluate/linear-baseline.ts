// The linear DF-correction baseline: per respondent and per lead time h, a robust (Huber) linear
// model of demand at t + h from what is known when the forecast is issued at t, fitted on the train
// split only. With DF: DF of the target hour, y_t − DF_t, y_{t+h−24}, y_{t+h−168}, y_t and an
// intercept; DF enters only where the store's publication rule says it was known at t. Without DF
// (DF not yet known, or none in the store): y_t, y_{t−1}, y_{t+h−24}, y_{t+h−168} and an intercept.
// Values enter in the respondent's normalised demand units (z = (MWh − mean) / std) for a
// well-conditioned fit; y is reported or filled demand (the history the naive baselines read).
import { dfKnownFrom, type SplitRange } from '../../features/index.ts';
import { huberFit, predictRow, type RobustFit } from './robust-fit.ts';
import { denormalise, type RespondentSeries } from './series.ts';
import { DAY_HOURS, WEEK_HOURS } from '../../core/index.ts';

/** One input of the design, read relative to the issue row i and the target row j = i + h. */
export type LinearInput =
  | { readonly kind: 'intercept' }
  /** Demand at row i + offset (offset ≤ 0). */
  | { readonly kind: 'demand'; readonly offset: number }
  /** DF of the target hour. */
  | { readonly kind: 'dfTarget' }
  /** Demand minus DF at the issue hour: DF's latest known error. */
  | { readonly kind: 'dfError' };

export type LinearVariant = 'withDf' | 'withoutDf';

export interface LeadFit {
  readonly inputs: readonly LinearInput[];
  readonly fit: RobustFit;
  /** Train rows the fit used. */
  readonly rows: number;
}

export interface LinearBaseline {
  readonly horizon: number;
  /** Index h − 1; null where the train split held too few complete rows for that lead. */
  readonly withDf: readonly (LeadFit | null)[];
  readonly withoutDf: readonly (LeadFit | null)[];
}

/** Rows per coefficient a fit needs at least. */
const MIN_ROWS_PER_INPUT = 10;

/** The inputs of a variant at lead h; a lag that coincides with another (h = 24, h = 23) enters once. */
export function linearInputs(variant: LinearVariant, h: number): LinearInput[] {
  const offsets = variant === 'withDf' ? [h - DAY_HOURS, h - WEEK_HOURS, 0] : [0, -1, h - DAY_HOURS, h - WEEK_HOURS];
  const unique = offsets.filter((o, k) => offsets.indexOf(o) === k);
  const demand = unique.map((offset): LinearInput => ({ kind: 'demand', offset }));
  const df: LinearInput[] = variant === 'withDf' ? [{ kind: 'dfTarget' }, { kind: 'dfError' }] : [];
  return [{ kind: 'intercept' }, ...df, ...demand];
}

/** True when DF of the target row j and of the issue row i were both published by the end of row i. */
export function dfKnownAt(s: RespondentSeries, i: number, j: number): boolean {
  const issue = s.firstHour + i;
  return (
    issue >= dfKnownFrom(s.firstHour + j, s.utcOffset, s.dfPublication) &&
    issue >= dfKnownFrom(issue, s.utcOffset, s.dfPublication)
  );
}

/** The design row of issue row i at lead h in z units; null where an input is missing or DF not yet known. */
export function linearRow(
  s: RespondentSeries,
  inputs: readonly LinearInput[],
  i: number,
  h: number,
): Float64Array | null {
  const z = (mwh: number): number => (mwh - s.norm.mean) / s.norm.std;
  const row = new Float64Array(inputs.length);
  for (const [c, input] of inputs.entries()) {
    let v: number;
    if (input.kind === 'intercept') v = 1;
    else if (input.kind === 'demand') v = z(s.history[i + input.offset] ?? Number.NaN);
    else if (!dfKnownAt(s, i, i + h)) return null;
    else if (input.kind === 'dfTarget') v = z(s.df[i + h] ?? Number.NaN);
    else v = z(s.history[i] ?? Number.NaN) - z(s.df[i] ?? Number.NaN);
    if (!Number.isFinite(v)) return null;
    row[c] = v;
  }
  return row;
}

/** Fits both variants for every lead on the train split's target hours (reported demand only). */
export function fitLinearBaseline(s: RespondentSeries, train: SplitRange, horizon: number): LinearBaseline {
  const withDf: (LeadFit | null)[] = [];
  const withoutDf: (LeadFit | null)[] = [];
  for (let h = 1; h <= horizon; h++) {
    withDf.push(fitLead(s, train, linearInputs('withDf', h), h));
    withoutDf.push(fitLead(s, train, linearInputs('withoutDf', h), h));
  }
  return { horizon, withDf, withoutDf };
}

function fitLead(s: RespondentSeries, train: SplitRange, inputs: readonly LinearInput[], h: number): LeadFit | null {
  const firstTarget = Math.max(train.firstHour - s.firstHour, h);
  const lastTarget = Math.min(train.lastHour - s.firstHour, s.rows - 1);
  const x: number[] = [];
  const y: number[] = [];
  for (let j = firstTarget; j <= lastTarget; j++) {
    const actual = s.actual[j] ?? Number.NaN;
    if (!Number.isFinite(actual)) continue;
    const row = linearRow(s, inputs, j - h, h);
    if (row === null) continue;
    x.push(...row);
    y.push((actual - s.norm.mean) / s.norm.std);
  }
  if (y.length < MIN_ROWS_PER_INPUT * inputs.length) return null;
  const fit = huberFit({ x: Float64Array.from(x), y: Float64Array.from(y), rows: y.length, cols: inputs.length });
  return fit === null ? null : { inputs, fit, rows: y.length };
}

/**
 * The baseline's forecast (MWh) of row i + h issued at row i: the DF variant where DF is known and
 * fitted, else the variant without; NaN where neither has its inputs.
 */
export function linearForecast(
  b: LinearBaseline,
  s: RespondentSeries,
  i: number,
  h: number,
): { value: number; variant: LinearVariant | null } {
  for (const variant of ['withDf', 'withoutDf'] as const) {
    const lead = b[variant][h - 1];
    if (lead === null || lead === undefined) continue;
    const row = linearRow(s, lead.inputs, i, h);
    if (row !== null) return { value: denormalise(predictRow(lead.fit.coefficients, row), s.norm), variant };
  }
  return { value: Number.NaN, variant: null };
}

/** Whether the respondent has a fit of either variant at every lead (then the baseline is scored everywhere). */
export function linearFitted(b: LinearBaseline): boolean {
  return b.withoutDf.every((f) => f !== null);
}
