// The evaluation for people (a table on stderr) and for programs (the JSON report).
import type { Evaluation, EvaluationReport, IssueHours } from './evaluate.ts';
import { METHODS, type ByMethod, type Ratios, type ViewMetrics } from './metrics.ts';

const HEADS = {
  model: 'model',
  dayAhead: 'DF',
  linear: 'linear',
  naive24h: 'naive24',
  seasonalNaive: 's-naive',
} as const;

interface Row {
  readonly label: string;
  readonly hours: number | null;
  readonly mape: ByMethod;
  readonly ratios: Ratios;
  readonly pinball: number | null;
  readonly coverage: number | null;
  readonly dm: { readonly statistic: number; readonly pValue: number } | null;
}

interface Column {
  readonly head: string;
  readonly width: number;
  readonly cell: (r: Row) => string;
}

const COLUMNS: readonly Column[] = [
  ...METHODS.map((m): Column => ({ head: HEADS[m], width: 8, cell: (r) => num(r.mape[m], 2) })),
  { head: 'model/DF', width: 9, cell: (r) => num(r.ratios.modelToDayAhead, 3) },
  { head: 'model/lin', width: 10, cell: (r) => num(r.ratios.modelToLinear, 3) },
  { head: 'pinball%', width: 9, cell: (r) => num(r.pinball, 2) },
  { head: 'P10-P90%', width: 9, cell: (r) => num(r.coverage, 1) },
  { head: 'DM*', width: 8, cell: (r) => num(r.dm?.statistic ?? null, 2) },
  { head: 'DM p', width: 8, cell: (r) => (r.dm === null ? '—' : r.dm.pValue < 1e-4 ? '<1e-4' : num(r.dm.pValue, 4)) },
];

/** The JSON shape of `bench forecast --json` (and the evaluation part of `bench train --json`). */
export function evaluationJson(evaluation: Evaluation): EvaluationReport {
  return evaluation.report;
}

export function formatEvaluationTable(evaluation: Evaluation): string {
  const r = evaluation.report;
  const s = evaluation.split;
  const lines = [
    `Forecast evaluation, ${r.split} split (${s.from}..${s.to}): ${r.perRespondent.length} respondents, ` +
      `${int(r.forecasts)} forecasts × ${r.horizon} h (quantiles ${r.quantiles.join(', ')}), ` +
      `${int(r.hours)} scored hours; ${int(r.windows)} windows of ${int(r.seqLen)} h ` +
      `(every forecast has ≥ ${int(r.minContextHours)} h of context)`,
    ...r.issueHours.map(issueLine),
    'Scored: hours whose demand was reported; every method on the same hours (DF where the store has it; ' +
      'model/DF compares the model on those hours). linear = the robust DF-correction baseline fitted on ' +
      'the train split.',
    'MAPE % by method; pinball% = mean pinball loss over the quantiles as % of mean demand; ' +
      'P10-P90% = coverage (nominal 80 %); DM* < 0: the model beats DF (HLN-corrected Diebold-Mariano).',
    '',
    'Every hour (a forecast issued at the end of each hour, 1-24 h ahead)',
    ...viewTable(r),
    '',
    `Day-ahead view (forecasts issued at 00 UTC for the next UTC day: ${int(r.dayAheadView.forecasts)} forecasts, ` +
      `${int(r.dayAheadView.hours)} scored hours)`,
    ...viewTable(r.dayAheadView),
  ];
  return `${lines.join('\n')}\n`;
}

function issueLine(x: IssueHours): string {
  const share = x.shareOfReported === null ? '—' : `${num(x.shareOfReported, 1)} %`;
  return (
    `  ${x.respondent}: ${int(x.forecast)} of ${int(x.issueHours)} issue hours forecast; ` +
    `skipped ${int(x.skipped.noHistory)} without enough history, ${int(x.skipped.gap)} with unknown demand ` +
    `in their last 24 h; ${share} of the ` +
    `${int(x.reportedIssueHours)} whose last 24 h were reported`
  );
}

function viewTable(v: ViewMetrics): string[] {
  const rows: Row[] = [
    ...v.perRespondent.map((p) => ({
      label: p.respondent,
      hours: p.hours,
      mape: p.mape,
      ratios: p.ratios,
      pinball: p.pinball?.relativePercent ?? null,
      coverage: p.coverage,
      dm: p.dieboldMariano,
    })),
    {
      label: 'mean',
      hours: null,
      mape: v.mape,
      ratios: v.ratios,
      pinball: v.pinballRelativePercent,
      coverage: v.coverage,
      dm: null,
    },
    {
      label: 'median',
      hours: null,
      mape: v.medianMape,
      ratios: { modelToDayAhead: null, modelToLinear: null, skillVsDayAhead: null },
      pinball: null,
      coverage: null,
      dm: null,
    },
  ];
  const labelWidth = Math.max(10, ...rows.map((x) => x.label.length));
  const mapeWidth = COLUMNS.slice(0, METHODS.length).reduce((n, c) => n + c.width, 0);
  const lead = `${''.padEnd(labelWidth)} ${''.padStart(9)} | ${'MAPE %'.padEnd(mapeWidth)} |`;
  const heads = COLUMNS.map((c) => c.head.padStart(c.width)).join('');
  const head = `${'respondent'.padEnd(labelWidth)} ${'hours'.padStart(9)} | ${heads}`;
  const body = rows.map(
    (x) =>
      `${x.label.padEnd(labelWidth)} ${(x.hours === null ? '' : int(x.hours)).padStart(9)} | ` +
      COLUMNS.map((c) => c.cell(x).padStart(c.width)).join(''),
  );
  return [lead, head, ...body];
}

function num(v: number | null, digits: number): string {
  return v === null ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function int(v: number): string {
  return v.toLocaleString('en-US');
}
