// The evaluation for people (a table on stderr) and for programs (the JSON report).
import type { Evaluation, EvaluationReport } from './evaluate.ts';
import { METHODS, type ByMethod, type ViewMetrics } from './metrics.ts';

const HEADS = { model: 'model', seasonalNaive: 's-naive', naive24h: 'naive24', dayAhead: 'DF' } as const;
const GROUPS = [
  { name: 'MAPE %', pick: (m: Row) => m.mape, digits: 2, width: 8 },
  { name: 'MAE MWh', pick: (m: Row) => m.mae, digits: 1, width: 10 },
  { name: 'MASE', pick: (m: Row) => m.mase, digits: 3, width: 8 },
] as const;

interface Row {
  readonly label: string;
  readonly hours: number | null;
  readonly mape: ByMethod;
  readonly mae: ByMethod;
  readonly mase: ByMethod;
}

/** The JSON shape of `bench forecast --json` (and the evaluation part of `bench train --json`). */
export function evaluationJson(evaluation: Evaluation): EvaluationReport {
  return evaluation.report;
}

export function formatEvaluationTable(evaluation: Evaluation): string {
  const r = evaluation.report;
  const s = evaluation.split;
  const lines = [
    `Forecast evaluation, ${r.split} split (${s.from}..${s.to}): ${r.perRespondent.length} respondents, ` +
      `${int(r.forecasts)} forecasts × ${r.horizon} h, ${int(r.hours)} scored hours; ${int(r.windows)} windows of ${int(r.seqLen)} h ` +
      `(every forecast has ≥ ${int(r.minContextHours)} h of context); skipped issue hours: ${int(r.skipped.noHistory)} without enough history, ${int(r.skipped.longGap)} behind long gaps`,
    'Scored: hours whose demand was reported; every method on the same hours (DF where the store has it).',
    `MASE scale: ${r.maseScale}.`,
    '',
    'Every hour (a forecast issued at the end of each hour, 1-24 h ahead)',
    ...viewTable(r),
    '',
    `Day-ahead view (forecasts issued at 00 UTC for the next UTC day: ${int(r.dayAheadView.forecasts)} forecasts, ${int(r.dayAheadView.hours)} scored hours)`,
    ...viewTable(r.dayAheadView),
  ];
  return `${lines.join('\n')}\n`;
}

function viewTable(v: ViewMetrics): string[] {
  const rows: Row[] = [
    ...v.perRespondent.map((p) => ({ label: p.respondent, hours: p.hours, mape: p.mape, mae: p.mae, mase: p.mase })),
    { label: 'mean', hours: null, mape: v.mape, mae: v.mae, mase: v.mase },
    { label: 'median', hours: null, mape: v.medianMape, mae: v.medianMae, mase: v.medianMase },
  ];
  const labelWidth = Math.max(10, ...rows.map((x) => x.label.length));
  const lead = `${''.padEnd(labelWidth)} ${''.padStart(9)}`;
  const groupHead = GROUPS.map((g) => ` | ${g.name.padEnd(g.width * METHODS.length)}`).join('');
  const colHead = GROUPS.map((g) => ` | ${METHODS.map((m) => HEADS[m].padStart(g.width)).join('')}`).join('');
  const body = rows.map((x) => {
    const cells = GROUPS.map(
      (g) => ` | ${METHODS.map((m) => num(g.pick(x)[m], g.digits).padStart(g.width)).join('')}`,
    ).join('');
    return `${x.label.padEnd(labelWidth)} ${(x.hours === null ? '' : int(x.hours)).padStart(9)}${cells}`;
  });
  return [`${lead}${groupHead}`, `${'respondent'.padEnd(labelWidth)} ${'hours'.padStart(9)}${colHead}`, ...body];
}

function num(v: number | null, digits: number): string {
  return v === null ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function int(v: number): string {
  return v.toLocaleString('en-US');
}
