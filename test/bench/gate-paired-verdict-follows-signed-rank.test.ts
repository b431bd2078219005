// The gate's paired statistics: the exact Wilcoxon signed-rank test and the Hodges–Lehmann
// interval agree with the textbook example, and the verdict needs both significance and the
// minimum effect; a speed-up is `faster`, a change inside the minimum effect `same`.
import { describe, expect, it } from 'vitest';
import { judge, judgeSides } from '../../src/bench/gate/paired-verdict.ts';
import { hodgesLehmann, signedRankTest } from '../../src/bench/gate/signed-rank.ts';

// Hollander & Wolfe, depression scale before/after (R's ?wilcox.test example): V = 40, p = 0.01953.
const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
const d = x.map((v, i) => v - (y[i] ?? 0));

/** A fixed, seeded spread of log-ratios (xorshift), so the tests are deterministic. */
function noise(n: number, sd: number, seed: number): number[] {
  let s = seed;
  const u = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 2 ** 32;
  };
  return Array.from({ length: n }, () => sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

describe('signed-rank test', () => {
  it('gives the exact one-sided p-value of the textbook example', () => {
    expect(signedRankTest(d).greater).toBeCloseTo(0.01953125, 8);
    expect(signedRankTest(d).less).toBeGreaterThan(0.97);
  });

  it('gives 1/2^n when every pair is slower', () => {
    const p = signedRankTest(Array.from({ length: 10 }, (_, i) => 0.01 * (i + 1))).greater;
    expect(p).toBeCloseTo(1 / 1024, 12);
  });

  it('uses mid-ranks for ties and drops zero differences', () => {
    // |x| ties at 1: ranks 1.5, 1.5, 3; T+ = 4.5 of 6; tail over the 8 sign patterns: 3/8
    expect(signedRankTest([1, -1, 2, 0]).greater).toBeCloseTo(3 / 8, 12);
  });

  it('gives the Hodges–Lehmann estimate and the inverted interval', () => {
    const hl = hodgesLehmann(d, 0.95);
    expect(hl.estimate).toBeCloseTo(0.46, 10);
    // n = 9: critical T+ = 40 (P = 0.0195 per side); the interval is Walsh averages 6 and 40 of 45
    expect(hl.lower).toBeCloseTo(0.01, 10);
    expect(hl.upper).toBeCloseTo(0.786, 10);
  });
});

describe('paired verdict', () => {
  const rule = { minEffect: 0.1, alpha: 0.01, level: 0.95 };
  const ref = Array.from({ length: 20 }, () => 1);
  const times = (logs: number[], factor: number): number[] => logs.map((l) => factor * Math.exp(l));

  it('calls a 1.5× slowdown regressed and names its ratio', () => {
    const v = judge(times(noise(20, 0.08, 7), 1.5), ref, rule);
    expect(v.decision).toBe('regressed');
    expect(v.ratio).toBeGreaterThan(1.4);
    expect(v.ratio).toBeLessThan(1.6);
    expect(v.lower).toBeLessThan(v.ratio);
    expect(v.upper).toBeGreaterThan(v.ratio);
  });

  it('calls a 1.5× speed-up faster, not a failure', () => {
    expect(judge(times(noise(20, 0.08, 11), 1 / 1.5), ref, rule).decision).toBe('faster');
  });

  it('does not fail a significant slowdown below the minimum effect', () => {
    const v = judge(times(noise(20, 0.01, 5), 1.04), ref, rule);
    expect(v.pSlower).toBeLessThan(rule.alpha);
    expect(v.decision).toBe('same');
  });

  it('stays undecided when the pairs are too few or too noisy to say', () => {
    expect(judge(times(noise(8, 0.4, 3), 1.2), ref.slice(0, 8), rule).decision).toBe('undecided');
  });
});

describe('verdict over the two worker-to-tree assignments', () => {
  const rule = { minEffect: 0.15, alpha: 0.01, level: 0.95 };
  const ones = Array.from({ length: 10 }, () => 1);
  const times = (logs: number[], factor: number): number[] => logs.map((l) => factor * Math.exp(l));

  it('fails a slowdown of the candidate that both assignments show', () => {
    const v = judgeSides(
      [
        { candidate: times(noise(10, 0.05, 21), 1.5), reference: ones },
        { candidate: times(noise(10, 0.05, 22), 1.5), reference: ones },
      ],
      rule,
    );
    expect(v.decision).toBe('regressed');
    expect(v.confirmed).toBe(true);
  });

  it('does not fail a bias of one worker: slower in one assignment, as slow as the reference in the other', () => {
    // worker 1 reads its candidate 1.6× in the first assignment only (the A/A bias of one process)
    const v = judgeSides(
      [
        { candidate: times(noise(10, 0.05, 23), 1.6), reference: ones },
        { candidate: times(noise(10, 0.05, 24), 1.0), reference: ones },
      ],
      rule,
    );
    expect(v.decision).not.toBe('regressed');
    expect(v.confirmed).toBe(false);
  });

  it('fails a slowdown seen through a process bias: 1.51× in one assignment, 1.14× in the other', () => {
    // a 1.31× slowdown; the worker that times the candidate in the first assignment reads it 1.15× slow
    const v = judgeSides(
      [
        { candidate: times(noise(10, 0.03, 31), 1.51), reference: ones },
        { candidate: times(noise(10, 0.03, 32), 1.14), reference: ones },
      ],
      rule,
    );
    expect(v.decision).toBe('regressed');
    expect(v.balanced).toBeGreaterThan(1.25);
    expect(v.balanced).toBeLessThan(1.37);
  });

  it('does not fail a process bias alone: 1.3× in one assignment, 1/1.3× in the other', () => {
    const v = judgeSides(
      [
        { candidate: times(noise(10, 0.03, 33), 1.3), reference: ones },
        { candidate: times(noise(10, 0.03, 34), 1 / 1.3), reference: ones },
      ],
      rule,
    );
    expect(v.decision).not.toBe('regressed');
    expect(v.balanced).toBeGreaterThan(0.93);
    expect(v.balanced).toBeLessThan(1.07);
  });

  it('does not fail a significant slowdown in both assignments below the minimum effect', () => {
    const v = judgeSides(
      [
        { candidate: times(noise(10, 0.01, 35), 1.08), reference: ones },
        { candidate: times(noise(10, 0.01, 36), 1.1), reference: ones },
      ],
      rule,
    );
    expect(v.pSlower).toBeLessThan(rule.alpha);
    expect(v.decision).not.toBe('regressed');
  });

  it('does not call a process bias faster: 0.5× in one assignment, 1.0× in the other', () => {
    const v = judgeSides(
      [
        { candidate: times(noise(10, 0.05, 37), 0.5), reference: ones },
        { candidate: times(noise(10, 0.05, 38), 1.0), reference: ones },
      ],
      rule,
    );
    expect(v.decision).not.toBe('faster');
  });

  it('leaves one assignment alone undecided, however fast it reads', () => {
    const v = judgeSides([{ candidate: times(noise(10, 0.05, 39), 0.5), reference: ones }], rule);
    expect(v.decision).toBe('undecided');
  });

  it('leaves one assignment alone undecided, however slow it reads', () => {
    const v = judgeSides([{ candidate: times(noise(10, 0.05, 25), 2), reference: ones }], rule);
    expect(v.decision).toBe('undecided');
  });

  it('reports a speed-up seen over both assignments as faster', () => {
    const v = judgeSides(
      [
        { candidate: times(noise(10, 0.05, 26), 1 / 1.5), reference: ones },
        { candidate: times(noise(10, 0.05, 27), 1 / 1.5), reference: ones },
      ],
      rule,
    );
    expect(v.decision).toBe('faster');
  });
});
