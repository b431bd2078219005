// Backtest of a predictor on one split of a feature store: a forecast at every issue hour whose
// last 24 hours are known (and the 00 UTC day-ahead view), scored against seasonal-naive, naive-24 h,
// the BA's DF and the linear DF-correction baseline fitted on the train split.
import type { FeatureStore, SplitName, SplitRange } from '../../features/index.ts';
import { EvaluationError } from './errors.ts';
import { DAY_HOURS, forecastRespondent, type RespondentForecasts } from './forecasts.ts';
import { fitLinearBaseline, type LinearBaseline } from './linear-baseline.ts';
import {
  maseScale,
  respondentMetrics,
  viewMetrics,
  type ForecastFilter,
  type ViewMetrics,
  type ViewSpec,
} from './metrics.ts';
import { minContext, type SkipReason } from './plan.ts';
import { checkQuantiles, type Predictor } from './predictor.ts';
import { respondentSeries } from './series.ts';
import { HOUR_MS } from '../../core/index.ts';

export interface EvaluateOptions {
  readonly split: SplitName;
  /** Progress lines for people (the CLI prints them on stderr). */
  readonly onProgress?: (message: string) => void;
}

/** Per respondent: which issue hours of the split got a forecast, and why the others did not. */
export interface IssueHours {
  readonly respondent: string;
  /** Issue hours of the split (every hour whose 24 target hours lie in it). */
  readonly issueHours: number;
  readonly forecast: number;
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Runs of skipped issue hours (issue instants, hour-ending UTC, inclusive). */
  readonly skippedRuns: readonly {
    readonly from: string;
    readonly to: string;
    readonly hours: number;
    readonly reason: SkipReason;
  }[];
  /** Issue hours whose own last 24 hours were all reported, how many got a forecast, and that share (%). */
  readonly reportedIssueHours: number;
  readonly forecastOfReported: number;
  readonly shareOfReported: number | null;
}

/** What the linear DF-correction baseline was fitted on, per respondent. */
export interface LinearFitSummary {
  readonly respondent: string;
  /** Leads (of `horizon`) with a fit, and the mean train rows of those fits. */
  readonly withDf: {
    readonly leads: number;
    readonly meanRows: number | null;
    readonly downweightedPercent: number | null;
  };
  readonly withoutDf: {
    readonly leads: number;
    readonly meanRows: number | null;
    readonly downweightedPercent: number | null;
  };
}

/** The JSON report (`bench forecast --json`): every-hour view at the top level, day-ahead view nested. */
export interface EvaluationReport extends ViewMetrics {
  readonly split: SplitName;
  readonly seqLen: number;
  readonly horizon: number;
  /** The predictor's quantile levels ([0.5]: a point model, no pinball or coverage). */
  readonly quantiles: readonly number[];
  /** Least hours of context behind any forecast (⌈seqLen/2⌉). */
  readonly minContextHours: number;
  readonly maseScale: 'in-sample seasonal-naive (168 h) MAE of reported demand on the train split, per respondent';
  readonly dieboldMarianoMethod: string;
  /** Predictor calls. */
  readonly windows: number;
  /** Issue hours of the split that got no forecast, and why (totals; per respondent in `issueHours`). */
  readonly skipped: Readonly<Record<SkipReason, number>>;
  readonly issueHours: readonly IssueHours[];
  readonly linearBaseline: readonly LinearFitSummary[];
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

/** Every hour: overlapping 24-step forecasts, one loss differential per issue hour, HAC lag h − 1. */
export function everyHourView(horizon: number): ViewSpec {
  return { keep: () => true, dm: { lag: horizon - 1, steps: horizon, index: (f, n) => f.issued[n] ?? 0 } };
}

/** 00 UTC issues: one forecast per day, days do not overlap, so one step (in days) and lag 0. */
export const DAY_AHEAD_VIEW: ViewSpec = {
  keep: issuedAtMidnight,
  dm: { lag: 0, steps: 1, index: (f, n) => Math.floor((f.firstHour + (f.issued[n] ?? 0)) / DAY_HOURS) },
};

const DM_METHOD =
  'Diebold-Mariano test of model vs DF: loss differential |e_model| - |e_DF| averaged over ' +
  "each forecast's scored hours with DF; HAC variance with the rectangular kernel (Bartlett if that is not " +
  'positive) at lag h - 1; Harvey-Leybourne-Newbold small-sample correction, Student t with n - 1 df, two-sided. ' +
  'Every hour: h = 24 (lag 23); day-ahead view: one forecast a day, h = 1 (lag 0)';

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
  const fits: LinearFitSummary[] = [];
  for (const r of store.respondents) {
    const series = respondentSeries(store, r);
    const linear = fitLinearBaseline(series, train, horizon);
    fits.push(fitSummary(r.code, linear));
    const f = await forecastRespondent({ series, split, horizon, linear }, predictor, (done, total) => {
      if (done === total || done % 10 === 0) say(`${r.code}: forecast window ${done}/${total}`);
    });
    respondents.push(f);
    scales.push(maseScale(series, train));
  }
  const report = buildReport(options.split, predictor, horizon, respondents, scales, fits);
  if (report.forecasts === 0) {
    throw new EvaluationError(
      'TRAIN_EVAL_NO_FORECASTS',
      `split ${options.split} (${split.from}..${split.to}): no forecast could be issued with seqLen ` +
        `${predictor.seqLen} (${report.skipped.noHistory} issue hours lack history, ${report.skipped.gap} lack ` +
        'known demand in their last 24 hours); a window needs seqLen rows after the warm-up that end before the ' +
        'split ends; use a shorter --seq-len or a store with more history',
    );
  }
  return { split, respondents, report };
}

function buildReport(
  split: SplitName,
  predictor: Predictor,
  horizon: number,
  respondents: readonly RespondentForecasts[],
  scales: readonly (number | null)[],
  fits: readonly LinearFitSummary[],
): EvaluationReport {
  const view = (spec: ViewSpec): ViewMetrics =>
    viewMetrics(respondents.map((f, i) => respondentMetrics(f, scales[i] ?? null, spec)));
  const total = (reason: SkipReason): number => respondents.reduce((n, f) => n + f.plan.skipped[reason], 0);
  return {
    split,
    seqLen: predictor.seqLen,
    horizon,
    quantiles: [...predictor.quantiles],
    minContextHours: minContext(predictor.seqLen),
    maseScale: 'in-sample seasonal-naive (168 h) MAE of reported demand on the train split, per respondent',
    dieboldMarianoMethod: DM_METHOD,
    windows: respondents.reduce((n, f) => n + f.windows.length, 0),
    skipped: { noHistory: total('noHistory'), gap: total('gap') },
    issueHours: respondents.map(issueHours),
    linearBaseline: fits,
    ...view(everyHourView(horizon)),
    dayAheadView: view(DAY_AHEAD_VIEW),
  };
}

function issueHours(f: RespondentForecasts): IssueHours {
  const p = f.plan;
  const iso = (row: number): string => new Date((f.firstHour + row) * HOUR_MS).toISOString().slice(0, 13);
  return {
    respondent: f.respondent,
    issueHours: Math.max(0, p.last - p.first + 1),
    forecast: f.issued.length,
    skipped: p.skipped,
    skippedRuns: p.skippedRuns.map((r) => ({
      from: iso(r.from),
      to: iso(r.to),
      hours: r.to - r.from + 1,
      reason: r.reason,
    })),
    reportedIssueHours: p.reportedIssues,
    forecastOfReported: p.reportedForecast,
    shareOfReported: p.reportedIssues > 0 ? (100 * p.reportedForecast) / p.reportedIssues : null,
  };
}

function fitSummary(respondent: string, b: LinearBaseline): LinearFitSummary {
  const summary = (fits: LinearBaseline['withDf']): LinearFitSummary['withDf'] => {
    const present = fits.filter((x) => x !== null);
    const rows = present.reduce((n, x) => n + x.rows, 0);
    return {
      leads: present.length,
      meanRows: present.length > 0 ? rows / present.length : null,
      downweightedPercent: rows > 0 ? (100 * present.reduce((n, x) => n + x.fit.downweighted, 0)) / rows : null,
    };
  };
  return { respondent, withDf: summary(b.withDf), withoutDf: summary(b.withoutDf) };
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
      `feature store horizon ${horizon}: evaluation needs 1 … ${DAY_HOURS} hours (naive-24 h must be known at issue ` +
        `time); rebuild with --horizon 24`,
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
