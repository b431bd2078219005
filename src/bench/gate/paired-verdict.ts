// The verdict of one timed metric from its pairs (candidate ÷ reference seconds per repetition):
// regressed only when the one-sided signed-rank test finds the candidate slower at level `alpha`
// AND the median ratio is at least 1 + minEffect; faster likewise the other way (reported, passes);
// same when the whole interval lies within the minimum effect, or when the pairs do not even lean
// towards slower (p(slower) above `clearlyNot` and the ratio below a third of the minimum effect:
// Pinpoint's "same" for a large p — a real slowdown of the minimum effect almost never reads so);
// otherwise undecided (more pairs).
import { hodgesLehmann, signedRankTest } from './signed-rank.ts';

export interface Rule {
  /** Smallest slowdown that fails: 0.1 = the candidate 10 % slower. */
  readonly minEffect: number;
  /** One-sided level of the signed-rank test. */
  readonly alpha: number;
  /** Confidence of the reported interval (two-sided). */
  readonly level: number;
}

/** p(slower) above which pairs that read no slower than a third of the minimum effect are `same`. */
const CLEARLY_NOT = 0.2;

export type Decision = 'regressed' | 'faster' | 'same' | 'undecided';

export interface PairStats {
  readonly decision: Decision;
  readonly pairs: number;
  /** Hodges–Lehmann median of candidate ÷ reference (1 = unchanged, 1.5 = 50 % slower). */
  readonly ratio: number;
  readonly lower: number;
  readonly upper: number;
  /** One-sided p-value that the candidate is slower. */
  readonly pSlower: number;
  readonly pFaster: number;
}

export function judge(candidate: readonly number[], reference: readonly number[], rule: Rule): PairStats {
  const n = Math.min(candidate.length, reference.length);
  const logs: number[] = [];
  for (let i = 0; i < n; i++) logs.push(Math.log((candidate[i] ?? Number.NaN) / (reference[i] ?? Number.NaN)));
  const xs = logs.filter((x) => Number.isFinite(x));
  const test = signedRankTest(xs);
  const hl = hodgesLehmann(xs, rule.level);
  const ratio = Math.exp(hl.estimate);
  const lower = Math.exp(hl.lower);
  const upper = Math.exp(hl.upper);
  const slow = 1 + rule.minEffect;
  const decision: Decision =
    xs.length === 0
      ? 'undecided'
      : test.greater < rule.alpha && ratio >= slow
        ? 'regressed'
        : test.less < rule.alpha && ratio <= 1 / slow
          ? 'faster'
          : (upper < slow && lower > 1 / slow) || (test.greater > CLEARLY_NOT && ratio < 1 + rule.minEffect / 3)
            ? 'same'
            : 'undecided';
  return { decision, pairs: xs.length, ratio, lower, upper, pSlower: test.greater, pFaster: test.less };
}

/** The pairs of one worker-to-tree assignment (the candidate timed in worker 1, or in worker 2). */
export interface Side {
  readonly candidate: readonly number[];
  readonly reference: readonly number[];
}

/**
 * The verdict of pairs drawn in two assignments: `judge` of all pairs, except that a regression
 * stands only when it is `confirmed`: each assignment's pairs, on their own, are significantly
 * slower (one-sided signed-rank p < alpha), and the balanced ratio — the geometric mean of the two
 * assignments' Hodges–Lehmann ratios — is at least 1 + minEffect. Until then a regression of all
 * pairs reads `undecided` (more pairs). A bias of one worker process multiplies the candidate's
 * ratio by b in one assignment and by 1/b in the other: it cannot make both significantly slower,
 * and the balanced ratio cancels it, so slower code whose two assignments read, say, 1.51× and
 * 1.14× (a 1.31× slowdown seen through a 1.15× process bias, docs/gate.md) is caught, while 1.6×
 * in one assignment and 1.0× in the other is not. `faster` follows the same rule the other way.
 */
export function judgeSides(
  sides: readonly Side[],
  rule: Rule,
): PairStats & { readonly confirmed: boolean; readonly balanced: number } {
  const all = judge(
    sides.flatMap((s) => s.candidate),
    sides.flatMap((s) => s.reference),
    rule,
  );
  const each = sides.map((s) => judge(s.candidate, s.reference, rule));
  const balanced = Math.exp(each.reduce((sum, e) => sum + Math.log(e.ratio), 0) / Math.max(1, each.length));
  /** Significant in all pairs and in each assignment alone, and the balanced ratio past the effect. */
  const shown = (p: (s: PairStats) => number, past: boolean): boolean =>
    sides.length >= 2 && p(all) < rule.alpha && each.every((e) => p(e) < rule.alpha) && past;
  const confirmed = shown((s) => s.pSlower, balanced >= 1 + rule.minEffect);
  // A speed-up is reported only when confirmed the same way: one process's bias read identical code
  // 0.475× in one assignment (gradnorm-clip, A/A, docs/gate.md); reported as faster, that misleads.
  const faster = shown((s) => s.pFaster, balanced <= 1 / (1 + rule.minEffect));
  const decision = confirmed
    ? 'regressed'
    : faster
      ? 'faster'
      : all.decision === 'regressed' || all.decision === 'faster'
        ? 'undecided'
        : all.decision;
  return { ...all, decision, confirmed, balanced };
}
