// The paired statistics of the gate: per metric, the candidate ÷ reference ratio of each pair is
// taken as a log, and the Wilcoxon signed-rank test (exact null distribution, mid-ranks for ties)
// decides whether the candidate is slower; the Hodges–Lehmann estimate (median of the Walsh
// averages) is the median ratio, and its interval is the test's inverted confidence interval
// (Hollander, Wolfe & Chicken, Nonparametric Statistical Methods, 3rd ed., §3.1–3.3).

/** P(T+ >= t) for every t under H0 (no ties), n pairs: index t, length n(n+1)/2 + 2. */
function upperTail(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  let counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    const next = new Float64Array(max + 1);
    for (let s = 0; s <= max; s++) {
      const c = counts[s] ?? 0;
      if (c === 0) continue;
      next[s] = (next[s] ?? 0) + c;
      next[s + r] = (next[s + r] ?? 0) + c;
    }
    counts = next;
  }
  const total = 2 ** n;
  const tail = new Array<number>(max + 2).fill(0);
  for (let t = max; t >= 0; t--) tail[t] = (tail[t + 1] ?? 0) + (counts[t] ?? 0) / total;
  return tail;
}

/** Exact tail P(T+ >= w) with mid-ranks (doubled to integers) for tied |x|. */
function tiedUpperTail(doubledRanks: readonly number[], w2: number): number {
  const max = doubledRanks.reduce((a, b) => a + b, 0);
  let counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (const r of doubledRanks) {
    const next = new Float64Array(max + 1);
    for (let s = 0; s <= max; s++) {
      const c = counts[s] ?? 0;
      if (c === 0) continue;
      next[s] = (next[s] ?? 0) + c;
      next[s + r] = (next[s + r] ?? 0) + c;
    }
    counts = next;
  }
  let p = 0;
  for (let s = Math.ceil(w2 - 1e-9); s <= max; s++) p += counts[s] ?? 0;
  return p / 2 ** doubledRanks.length;
}

/** Doubled mid-ranks of |x| (zeros dropped), with the sign of each. */
function signedRanks(xs: readonly number[]): { ranks: number[]; positive: boolean[] } {
  const nz = xs.filter((x) => x !== 0).map((x) => ({ a: Math.abs(x), pos: x > 0 }));
  nz.sort((p, q) => p.a - q.a);
  const ranks = new Array<number>(nz.length).fill(0);
  for (let i = 0; i < nz.length; ) {
    let j = i;
    while (j + 1 < nz.length && nz[j + 1]?.a === nz[i]?.a) j++;
    for (let k = i; k <= j; k++) ranks[k] = i + j + 2; // 2 × mean of ranks i+1 … j+1
    i = j + 1;
  }
  return { ranks, positive: nz.map((p) => p.pos) };
}

/** One-sided p-values of the signed-rank test: H1 `greater` (median > 0) and `less`. */
export function signedRankTest(xs: readonly number[]): { greater: number; less: number } {
  const { ranks, positive } = signedRanks(xs);
  if (ranks.length === 0) return { greater: 1, less: 1 };
  const plus = ranks.reduce((s, r, i) => s + (positive[i] ? r : 0), 0);
  const minus = ranks.reduce((s, r, i) => s + (positive[i] ? 0 : r), 0);
  return { greater: tiedUpperTail(ranks, plus), less: tiedUpperTail(ranks, minus) };
}

/** Walsh averages (x_i + x_j) / 2, i ≤ j, sorted ascending. */
function walsh(xs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) for (let j = i; j < xs.length; j++) out.push(((xs[i] ?? 0) + (xs[j] ?? 0)) / 2);
  return out.sort((a, b) => a - b);
}

export interface ShiftEstimate {
  /** Hodges–Lehmann estimate: median of the Walsh averages. */
  readonly estimate: number;
  /** Two-sided interval of confidence `level` (each side (1 − level) / 2), inverted from the test. */
  readonly lower: number;
  readonly upper: number;
}

export function hodgesLehmann(xs: readonly number[], level: number): ShiftEstimate {
  const w = walsh(xs);
  const m = w.length;
  const mid = (w[(m - 1) >> 1] ?? Number.NaN) + (w[m >> 1] ?? Number.NaN);
  const tail = upperTail(xs.length);
  const side = (1 - level) / 2;
  // the smallest t with P(T+ >= t) <= side: the test's critical value on each side
  let t = tail.findIndex((p) => p <= side);
  if (t < 0) t = m + 1;
  const lower = t > m ? Number.NEGATIVE_INFINITY : (w[m - t] ?? Number.NEGATIVE_INFINITY);
  const upper = t > m ? Number.POSITIVE_INFINITY : (w[t - 1] ?? Number.POSITIVE_INFINITY);
  return { estimate: mid / 2, lower, upper };
}
