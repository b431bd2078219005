// The gate's output for people: a table on stderr, a Markdown summary (pull-request comment or CI
// job summary) and one SVG per stage of current vs baseline, with the threshold drawn.
import { fmt, limitText, type Verdict } from './compare.ts';
import { GATE_STAGES, type GateStage } from './metric.ts';

const MARK: Record<Verdict['kind'], string> = {
  pass: 'ok',
  noisy: 'slower (not gated: noisy)',
  regressed: 'REGRESSED',
  missing: 'MISSING',
  skipped: 'skipped',
  new: 'new',
};

interface Row {
  readonly id: string;
  readonly kind: string;
  readonly baseline: string;
  readonly measured: string;
  readonly limit: string;
  readonly status: string;
}

function row(v: Verdict): Row {
  switch (v.kind) {
    case 'pass':
    case 'regressed':
    case 'noisy':
      return {
        id: v.id,
        kind: v.base.kind,
        baseline: fmt(v.base.value),
        measured: fmt(v.value),
        limit: limitText(v.base, v.threshold),
        status: MARK[v.kind],
      };
    case 'skipped':
      return {
        id: v.id,
        kind: v.base.kind,
        baseline: fmt(v.base.value),
        measured: Number.isNaN(v.value) ? '—' : fmt(v.value),
        limit: v.reason,
        status: MARK[v.kind],
      };
    case 'missing':
      return {
        id: v.id,
        kind: v.base.kind,
        baseline: fmt(v.base.value),
        measured: '—',
        limit: v.reason,
        status: MARK[v.kind],
      };
    case 'new':
      return {
        id: v.id,
        kind: v.measurement.kind,
        baseline: '—',
        measured: fmt(v.measurement.value),
        limit: 'not in baseline',
        status: MARK[v.kind],
      };
  }
}

export function formatTable(verdicts: readonly Verdict[]): string {
  const rows = verdicts.map(row);
  const w = Math.max(6, ...rows.map((r) => r.id.length));
  const head =
    `${'metric'.padEnd(w)}  ${'kind'.padEnd(7)}  ${'baseline'.padStart(11)}  ${'measured'.padStart(11)}  ` +
    `${'limit'.padEnd(22)}  status`;
  const lines = rows.map(
    (r) =>
      `${r.id.padEnd(w)}  ${r.kind.padEnd(7)}  ${r.baseline.padStart(11)}  ${r.measured.padStart(11)}  ` +
      `${r.limit.padEnd(22)}  ${r.status}`,
  );
  return [head, ...lines].join('\n');
}

/** One line per failing metric: what exit 1 names. */
export function failureLines(verdicts: readonly Verdict[]): string[] {
  return verdicts.flatMap((v) => {
    if (v.kind === 'regressed')
      return [
        `regressed: ${v.id}: measured ${fmt(v.value)} ${v.base.unit}, baseline ${fmt(v.base.value)}, threshold ` +
          `${limitText(v.base, v.threshold)} (abs ${fmt(v.threshold.abs)}, rel ${fmt(v.threshold.rel)})`,
      ];
    if (v.kind === 'missing')
      return [`missing: ${v.id}: in the baseline (${fmt(v.base.value)} ${v.base.unit}) but not measured: ${v.reason}`];
    return [];
  });
}

export function markdownSummary(
  verdicts: readonly Verdict[],
  header: { adapter: string; baseline: string; seconds: number },
  paired: { readonly failures: readonly string[]; readonly markdown: string } = { failures: [], markdown: '' },
): string {
  const failed = [...failureLines(verdicts), ...paired.failures];
  const out = [
    `## bench gate: ${failed.length === 0 ? 'passed' : `FAILED (${failed.length})`}`,
    '',
    `Adapter: ${header.adapter}. Baseline: \`${header.baseline}\`. Took ${header.seconds.toFixed(0)} s.`,
    '',
  ];
  if (failed.length) out.push(...failed.map((f) => `- **${f}**`), '');
  if (paired.markdown) out.push(paired.markdown);
  out.push('### Counts and quality vs the baseline', '');
  out.push('| metric | kind | baseline | measured | limit | status |', '|---|---|---:|---:|---|---|');
  for (const r of verdicts.map(row))
    out.push(`| ${r.id} | ${r.kind} | ${r.baseline} | ${r.measured} | ${r.limit} | ${r.status} |`);
  return `${out.join('\n')}\n`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Bars of measured ÷ baseline per metric of one stage (1 = unchanged), the limit as a tick; below
 * them `paired`'s rows (the stage's paired timings, paired-report.ts) drawn by their own function.
 */
export function stageSvg(
  stage: GateStage,
  verdicts: readonly Verdict[],
  paired?: (top: number) => { parts: string[]; height: number },
): string {
  const mine = verdicts.filter(
    (v): v is Extract<Verdict, { kind: 'pass' | 'regressed' | 'noisy' | 'skipped' }> =>
      (v.kind === 'pass' ||
        v.kind === 'regressed' ||
        v.kind === 'noisy' ||
        (v.kind === 'skipped' && !Number.isNaN(v.value))) &&
      v.base.stage === stage,
  );
  const rowH = 22;
  const left = 330;
  const scale = 200; // px for a ratio of 1
  const height = 40 + rowH * Math.max(1, mine.length);
  const below = paired?.(height) ?? { parts: [], height: 0 };
  const width = Math.max(left + 2.2 * scale + 20, left + 440 + 200);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + below.height}" ` +
      `font-family="sans-serif" font-size="11">`,
    `<text x="4" y="16" font-size="13">bench gate · ${stage}: measured ÷ baseline (line at 1)</text>`,
  ];
  mine.forEach((v, i) => {
    const y = 28 + i * rowH;
    const ratio = v.base.value === 0 ? (v.value === 0 ? 1 : 2) : v.value / v.base.value;
    const w = Math.max(1, Math.min(2.2, Number.isFinite(ratio) ? ratio : 2.2) * scale);
    const color =
      v.kind === 'regressed' ? '#c0392b' : v.kind === 'noisy' ? '#e67e22' : v.kind === 'skipped' ? '#999' : '#2e86c1';
    parts.push(
      `<text x="4" y="${y + 14}">${escapeXml(v.id.slice(stage.length + 1))}</text>`,
      `<rect x="${left}" y="${y + 3}" width="${w.toFixed(1)}" height="14" fill="${color}"/>`,
      `<text x="${left + w + 4}" y="${y + 14}">${escapeXml(fmt(ratio))}</text>`,
    );
  });
  parts.push(
    `<line x1="${left + scale}" y1="24" x2="${left + scale}" y2="${height - 4}" stroke="#000" stroke-dasharray="3,2"/>`,
    ...below.parts,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

export const STAGES_FOR_CHARTS: readonly GateStage[] = GATE_STAGES;
