// The paired timings in the gate's output: per metric the candidate ÷ reference ratio (Hodges–
// Lehmann median of the pairs) with its interval, the pairs drawn, p(slower) and the verdict;
// the failing lines name each regressed metric; the SVG draws each ratio with its interval.
import type { GateStage } from './metric.ts';
import type { PairedVerdict } from './paired.ts';
import type { Rule } from './paired-verdict.ts';

const MARK = { regressed: 'REGRESSED', faster: 'faster', same: 'ok', undecided: 'undecided (passes)' } as const;

const r3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : String(x));

function cells(v: PairedVerdict): string[] {
  if (v.kind !== 'judged') return [v.id, '—', '—', '—', '—', `${v.kind === 'failed' ? 'FAILED' : v.kind}: ${v.reason}`];
  return [
    v.id,
    r3(v.ratio),
    `[${r3(v.lower)}, ${r3(v.upper)}]`,
    `${v.pairs}×${v.reps}`,
    v.pSlower.toPrecision(2),
    v.retry && v.decision === 'undecided'
      ? `${MARK[v.decision]}: not reproduced in fresh workers (${r3(v.retry.ratio)})`
      : MARK[v.decision],
  ];
}

const HEAD = ['timing (candidate ÷ reference)', 'ratio', '95% interval', 'pairs', 'p(slower)', 'verdict'];

export function formatPairedTable(verdicts: readonly PairedVerdict[]): string {
  const rows = [HEAD, ...verdicts.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function pairedFailureLines(verdicts: readonly PairedVerdict[], rule: Rule): string[] {
  return verdicts.flatMap((v) =>
    v.kind === 'failed'
      ? [`failed: ${v.id}: the candidate could not be timed: ${v.reason}`]
      : v.kind === 'judged' && v.decision === 'regressed'
        ? [
            `regressed: ${v.id}: candidate ${r3(v.ratio)}× the reference's time [${r3(v.lower)}, ${r3(v.upper)}] ` +
              `over ${v.pairs} pairs (${v.clock} clock), p(slower) ${v.pSlower.toPrecision(2)} < ${rule.alpha}, ` +
              `minimum effect ${r3(1 + rule.minEffect)}×; candidate in worker 1: ${r3(v.byWorker[0])}×, ` +
              `in worker 2: ${r3(v.byWorker[1])}×, balanced ${r3(v.balanced)}×` +
              (v.retry
                ? `; again in fresh workers: ${r3(v.retry.ratio)}× over ${v.retry.pairs} pairs, ` +
                  `balanced ${r3(v.retry.balanced)}×`
                : ''),
          ]
        : [],
  );
}

export function pairedMarkdown(verdicts: readonly PairedVerdict[], rule: Rule, reference: string): string {
  const out = [
    `### Timings: candidate vs reference ${reference}, paired`,
    '',
    `A regression: one-sided Wilcoxon signed-rank p < ${rule.alpha} in all pairs and in each ` +
      "worker-to-tree assignment's pairs on their own, and the balanced ratio (geometric mean of the " +
      `two assignments' ratios) ≥ ${r3(1 + rule.minEffect)}; then the same again in two fresh workers.`,
    '',
    `| ${HEAD.join(' | ')} |`,
    '|---|---:|---|---:|---:|---|',
    ...verdicts.map((v) => `| ${cells(v).join(' | ')} |`),
  ];
  return `${out.join('\n')}\n`;
}

/** Rows of ratio bars (log scale, 0.5–2), each interval as a line, the minimum effect as a tick. */
export function pairedSvgRows(
  stage: GateStage,
  verdicts: readonly PairedVerdict[],
  rule: Rule,
  top: number,
): { parts: string[]; height: number } {
  const mine = verdicts.filter((v) => v.stage === stage);
  const left = 330;
  const span = 220; // px per factor of 2
  const x = (ratio: number): number => left + span + span * Math.log2(Math.min(2, Math.max(0.5, ratio)));
  const parts: string[] = [];
  if (mine.length === 0) return { parts, height: 0 };
  parts.push(
    `<text x="4" y="${top + 14}" font-size="13">` +
      'timings: candidate ÷ reference (paired; 1 = unchanged, log scale 0.5–2)</text>',
  );
  mine.forEach((v, i) => {
    const y = top + 22 + i * 22;
    const name = v.id
      .slice(stage.length + 1)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;');
    parts.push(`<text x="4" y="${y + 14}">${name}</text>`);
    if (v.kind !== 'judged') {
      const [text, fill] = v.kind === 'failed' ? ['FAILED', '#c0392b'] : ['not comparable', '#999'];
      parts.push(`<text x="${left}" y="${y + 14}" fill="${fill}">${text}</text>`);
      return;
    }
    const color =
      v.decision === 'regressed'
        ? '#c0392b'
        : v.decision === 'faster'
          ? '#27ae60'
          : v.decision === 'undecided'
            ? '#e67e22'
            : '#2e86c1';
    parts.push(
      `<line x1="${x(v.lower).toFixed(1)}" y1="${y + 10}" x2="${x(v.upper).toFixed(1)}" y2="${y + 10}" ` +
        `stroke="${color}" stroke-width="2"/>`,
      `<circle cx="${x(v.ratio).toFixed(1)}" cy="${y + 10}" r="4" fill="${color}"/>`,
      `<text x="${left + 2 * span + 10}" y="${y + 14}">${r3(v.ratio)} ${MARK[v.decision]}</text>`,
    );
  });
  const bottom = top + 22 + mine.length * 22;
  parts.push(
    `<line x1="${x(1)}" y1="${top + 20}" x2="${x(1)}" y2="${bottom}" stroke="#000" stroke-dasharray="3,2"/>`,
    `<line x1="${x(1 + rule.minEffect).toFixed(1)}" y1="${top + 20}" x2="${x(1 + rule.minEffect).toFixed(1)}" ` +
      `y2="${bottom}" stroke="#c0392b" stroke-dasharray="2,3"/>`,
  );
  return { parts, height: bottom - top + 8 };
}
