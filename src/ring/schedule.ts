// The ring's step schedule, decided on the host from positions: at step s rank r works on the K/V
// block that started on rank (r − s) mod R; each (query segment, key segment) pair is dispatched
// or skipped (fully masked), and counted as work for the balance figure.
import type { RingLayout, RingSegment } from './layout.ts';

/** One dispatched block pair: rows [qSegment·segmentRows, …) against the visiting block's kSegment. */
export interface BlockPair {
  readonly qSegment: number;
  readonly kSegment: number;
}

export interface StepPlan {
  readonly step: number;
  readonly rank: number;
  /** Rank whose K/V block this rank computes on at this step. */
  readonly origin: number;
  readonly pairs: readonly BlockPair[];
  readonly skippedPairs: number;
  /** Query×key row pairs the dispatched blocks cover (pad rows included): the kernels' work. */
  readonly computedScores: number;
  /** Query×key row pairs that are not masked (both rows real and, if causal, key ≤ query). */
  readonly unmaskedScores: number;
}

/** The rank whose block visits `rank` at `step` (blocks travel to rank + 1 each step). */
export function originAt(rank: number, step: number, ranks: number): number {
  return (((rank - step) % ranks) + ranks) % ranks;
}

/** True when no (query, key) row pair of the two segments is unmasked: the pair can be skipped. */
export function pairFullyMasked(q: RingSegment, k: RingSegment, causal: boolean): boolean {
  if (q.validRows === 0 || k.validRows === 0) return true;
  return causal && k.minPosition > q.maxPosition;
}

/** Count of unmasked (query, key) pairs, O(n log n): sorted keys, a binary search per query. */
export function unmaskedPairs(q: RingSegment, k: RingSegment, causal: boolean): number {
  if (!causal) return q.validRows * k.validRows;
  const keys = Array.from(k.positions.subarray(0, k.validRows)).sort((a, b) => a - b);
  let total = 0;
  for (let i = 0; i < q.validRows; i++) total += countAtMost(keys, q.positions[i] ?? 0);
  return total;
}

function countAtMost(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function planStep(layout: RingLayout, causal: boolean, step: number, rank: number): StepPlan {
  const origin = originAt(rank, step, layout.ranks);
  const qSegs = layout.segments[rank] ?? [];
  const kSegs = layout.segments[origin] ?? [];
  const pairs: BlockPair[] = [];
  let skippedPairs = 0;
  let unmaskedScores = 0;
  for (const [qSegment, q] of qSegs.entries()) {
    for (const [kSegment, k] of kSegs.entries()) {
      if (pairFullyMasked(q, k, causal)) {
        skippedPairs++;
        continue;
      }
      pairs.push({ qSegment, kSegment });
      unmaskedScores += unmaskedPairs(q, k, causal);
    }
  }
  const computedScores = pairs.length * layout.segmentRows * layout.segmentRows;
  return { step, rank, origin, pairs, skippedPairs, computedScores, unmaskedScores };
}

/** plans[step][rank] for all R steps (forward and backward share it). */
export function planRing(layout: RingLayout, causal: boolean): StepPlan[][] {
  return Array.from({ length: layout.ranks }, (_, step) =>
    Array.from({ length: layout.ranks }, (_, rank) => planStep(layout, causal, step, rank)),
  );
}

export interface RankWork {
  readonly rank: number;
  readonly computedScores: number;
  readonly unmaskedScores: number;
}

/** Per-rank totals over all steps. */
export function rankWork(plans: readonly (readonly StepPlan[])[]): RankWork[] {
  const ranks = plans[0]?.length ?? 0;
  return Array.from({ length: ranks }, (_, rank) => {
    let computedScores = 0;
    let unmaskedScores = 0;
    for (const step of plans) {
      computedScores += step[rank]?.computedScores ?? 0;
      unmaskedScores += step[rank]?.unmaskedScores ?? 0;
    }
    return { rank, computedScores, unmaskedScores };
  });
}

/** max / mean of the values (1 = perfectly balanced); 1 when every value is 0. */
export function imbalance(values: readonly number[]): number {
  if (values.length === 0) return 1;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return mean === 0 ? 1 : Math.max(...values) / mean;
}
