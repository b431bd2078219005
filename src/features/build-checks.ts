// What a build must tell its user before the store is used: a split without windows at the chosen
// sequence length (train: an error, nothing is written; validation/test: a warning naming the
// longest seq-len that leaves one), respondents without windows, missing DF, and a DF publication
// rule under which the 00 UTC issue cannot see DF of its whole day.
import { UsageError } from '../core/index.ts';
import { midnightIssueSeesAllDf, type DfPublication } from './df-publication.ts';
import { WARM_UP_HOURS } from './feature-spec.ts';
import type { RespondentGrid } from './grid.ts';
import { SPLIT_NAMES, type SplitRange } from './splits.ts';
import type { RespondentMeta } from './store.ts';
import type { WindowShape } from './windows.ts';

interface Checked {
  readonly window: WindowShape;
  readonly splits: readonly SplitRange[];
}

/**
 * The longest seq-len at which `split` could hold a window of this respondent, gaps aside: its last
 * target day (starting at hour-ending 01 UTC) inside both the data and the split, minus the warm-up.
 */
export function longestSeqLen(grid: RespondentGrid, split: SplitRange, horizon: number): number {
  const end = Math.min(grid.firstHour + grid.hours, split.lastHour + 1); // one past the last usable hour
  let target = end - horizon;
  target -= (((target - 1) % 24) + 24) % 24; // back to an hour-ending 01:00 UTC
  if (target < split.firstHour) return 0;
  return Math.max(0, target - grid.firstHour - WARM_UP_HOURS);
}

export function windowWarnings(
  grids: readonly RespondentGrid[],
  metas: readonly RespondentMeta[],
  s: Checked,
): string[] {
  const warnings: string[] = [];
  for (const split of s.splits) {
    const name = split.name;
    const total = metas.reduce((n, m) => n + m.windows[name], 0);
    const range = `${name} split (${split.from}..${split.to})`;
    if (total === 0) {
      const longest = Math.max(0, ...grids.map((g) => longestSeqLen(g, split, s.window.horizon)));
      const fix =
        longest > 0
          ? `the longest --seq-len that leaves one is ${longest}`
          : `no --seq-len leaves one: the data does not reach into the split with ${WARM_UP_HOURS} warm-up hours`;
      if (name === SPLIT_NAMES[0]) {
        throw new UsageError(
          'FEATURES_NO_TRAIN_WINDOWS',
          `--seq-len ${s.window.seqLen}: the ${range} holds no window, so nothing could train on this store; ` +
            `${fix} (or give a longer train split). Nothing was written.`,
        );
      }
      warnings.push(`--seq-len ${s.window.seqLen}: the ${range} holds no window; ${fix}`);
      continue;
    }
    const without = metas.filter((m) => m.windows[name] === 0).map((m) => m.code);
    if (without.length > 0)
      warnings.push(
        `the ${range} holds no window of ${without.join(', ')} at --seq-len ${s.window.seqLen} ` +
          '(gaps or unreported days cover every target day there; docs/features.md, "Windows")',
      );
  }
  return warnings;
}

export function dfWarnings(metas: readonly RespondentMeta[], rule: DfPublication): string[] {
  const warnings: string[] = [];
  const without = metas.filter((m) => (m.dfHours ?? 0) === 0).map((m) => m.code);
  if (without.length > 0)
    warnings.push(
      `no day-ahead forecast (DF) in the input for ${without.join(', ')}: their df is masked and df_available is 0 ` +
        '(metadata.json: df); extract region-data series DF to have it',
    );
  const late = metas.filter((m) => (m.dfHours ?? 0) > 0 && !midnightIssueSeesAllDf(m.calendarUtcOffsetHours, rule));
  for (const m of late)
    warnings.push(
      `--df-lead-hours ${rule.hoursBeforeLocalDay}: for ${m.code} (UTC${m.calendarUtcOffsetHours >= 0 ? '+' : ''}` +
        `${m.calendarUtcOffsetHours}) a forecast issued at 00 UTC cannot see DF of all 24 hours it covers; ` +
        'at that issue those hours count as not yet published (dfKnownFrom; docs/features.md, "When DF is known")',
    );
  return warnings;
}
