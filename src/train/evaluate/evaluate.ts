// Backtest of a predictor on one split of a feature store: a forecast at every issue hour (and
// the 00 UTC day-ahead view), scored against seasonal-naive, naive-24 h and the BA's DF.
import type { FeatureStore, SplitName, SplitRange } from '../../features/index.ts';
import { EvaluationError } from './errors.ts';
import { DAY_HOURS, forecastRespondent, type RespondentForecasts } from './forecasts.ts';
import { maseScale, respondentMetrics, viewMetrics, type ForecastFilter, type ViewMetrics } from './metrics.ts';
import { minContext } from './plan.ts';
import { checkQuantiles, type Predictor } from './predictor.ts';
import { respondentSeries } from './series.ts';

export interface EvaluateOptions {
  readonly split: SplitName;
  /** Progress lines for people (the CLI prints them on stderr). */
  readonly onProgress?: (message: string) => void;
}

/** The JSON report (`bench forecast --json`): every-hour view at the top level, day-ahead view nested. */
export interface EvaluationReport extends ViewMetrics {
  readonly split: SplitName;
  readonly seqLen: number;
  readonly horizon: number;
  /** Least hours of context behind any forecast (⌈seqLen/2⌉). */
  readonly minContextHours: number;
  readonly maseScale: 'in-sample seasonal-naive (168 h) MAE of reported demand on the train split, per respondent';
  /** Predictor calls. */
  readonly windows: number;
  /** Issue hours of the split that got no forecast, and why. */
  readonly skipped: { readonly noHistory: number; readonly longGap: number };
  /** Forecasts issued at 00 UTC only: each covers one UTC day, as a BA's day-ahead forecast does. */
  readonly dayAheadView: ViewMetrics;
}

export interface Evaluation {
  readonly split: SplitRange;
  readonly respondents: readonly RespondentForecasts[];
  readonly report: EvaluationReport;
}

/** Forecast n was issued at 00 UTC (the end of the hour ending at midnight). */
export const issuedAtMidnight: ForecastFilter = (f, n) => (f.firstHour + (f.issued[n] ?? 0)) % DAY_HOURS === 0;

export async function evaluate(
  store: FeatureStore,
  predictor: Predictor,
  options: EvaluateOptions,
): Promise<Evaluation> {
  const split = splitRange(store, options.split);
  const horizon = checkHorizon(store);
  checkSeqLen(predictor);
  checkQuantiles(predictor.quantiles);
  const say = options.onProgress ?? (() => {});
  const train = splitRange(store, 'train');
  const respondents: RespondentForecasts[] = [];
  const scales: (number | null)[] = [];
  for (const r of store.respondents) {
    const series = respondentSeries(store, r);
    const f = await forecastRespondent(series, r.longGap, split, horizon, predictor, (done, total) => {
      if (done === total || done % 10 === 0) say(`${r.code}: forecast window ${done}/${total}`);
    });
    respondents.push(f);
    scales.push(maseScale(series, train));
  }
  const report = buildReport(options.split, predictor.seqLen, horizon, respondents, scales);
  if (report.forecasts === 0) {
    throw new EvaluationError(
      'TRAIN_EVAL_NO_FORECASTS',
      `split ${options.split} (${split.from}..${split.to}): no forecast could be issued with seqLen ${predictor.seqLen} ` +
        `(${report.skipped.noHistory} issue hours lack history, ${report.skipped.longGap} sit behind long gaps); ` +
        'a window needs seqLen usable rows ending at the split; use a shorter --seq-len or a store with more history',
    );
  }
  return { split, respondents, report };
}

function buildReport(
  split: SplitName,
  seqLen: number,
  horizon: number,
  respondents: readonly RespondentForecasts[],
  scales: readonly (number | null)[],
): EvaluationReport {
  const view = (keep: ForecastFilter): ViewMetrics =>
    viewMetrics(respondents.map((f, i) => respondentMetrics(f, scales[i] ?? null, keep)));
  return {
    split,
    seqLen,
    horizon,
    minContextHours: minContext(seqLen),
    maseScale: 'in-sample seasonal-naive (168 h) MAE of reported demand on the train split, per respondent',
    windows: respondents.reduce((n, f) => n + f.windows.length, 0),
    skipped: {
      noHistory: respondents.reduce((n, f) => n + f.plan.skipped.noHistory, 0),
      longGap: respondents.reduce((n, f) => n + f.plan.skipped.longGap, 0),
    },
    ...view(() => true),
    dayAheadView: view(issuedAtMidnight),
  };
}

function splitRange(store: FeatureStore, name: SplitName): SplitRange {
  const range = store.metadata.splits.find((s) => s.name === name);
  if (range === undefined)
    throw new EvaluationError(
      'TRAIN_EVAL_STORE',
      `--split ${name}: the feature store has no ${name} split; rebuild it with --split train,validation,test`,
    );
  return range;
}

/** Naive-24 h at horizon h reads hour target − 24, known at issue time only for h ≤ 24. */
function checkHorizon(store: FeatureStore): number {
  const horizon = store.metadata.window.horizon;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > DAY_HOURS) {
    throw new EvaluationError(
      'TRAIN_EVAL_STORE',
      `feature store horizon ${horizon}: evaluation needs 1 … ${DAY_HOURS} hours (naive-24 h must be known at issue time); rebuild with --horizon 24`,
    );
  }
  return horizon;
}

function checkSeqLen(predictor: Predictor): void {
  if (!Number.isInteger(predictor.seqLen) || predictor.seqLen < 1) {
    throw new EvaluationError(
      'TRAIN_EVAL_PREDICTION',
      `predictor seqLen ${predictor.seqLen}: expected a whole number ≥ 1`,
    );
  }
}
