// The ring's communication log: per pass, step and rank, the bytes moved, transfer and compute
// intervals, how much of the transfer ran while the step's compute was in flight, and the work.
import type { StepPlan } from './schedule.ts';
import type { TransferRecord } from './transport.ts';

export type RingPass = 'forward' | 'backward';

/** A host-clock interval (performance.now() milliseconds). */
export interface Interval {
  readonly startMs: number;
  readonly endMs: number;
}

export interface StepRecord {
  readonly pass: RingPass;
  readonly step: number;
  readonly rank: number;
  /** Rank whose K/V block was computed on. */
  readonly origin: number;
  readonly pairs: number;
  readonly skippedPairs: number;
  readonly computedScores: number;
  readonly unmaskedScores: number;
  /** Bytes this rank sent during the step (K/V prefetch, plus dK/dV in the backward pass). */
  readonly bytesSent: number;
  /** Sum of the durations of this rank's sends. */
  readonly transferMs: number;
  /** Submit → done of the step's compute on this rank's device (shared mode: all ranks' work). */
  readonly computeMs: number;
  /** Part of transferMs that lay inside the compute interval (0..1; 1 when nothing was sent). */
  readonly overlapFraction: number;
  /** Time after the compute finished until this rank's sends had landed (exposed communication). */
  readonly exposedMs: number;
  /**
   * 'step': compute and transfers timed per step (stepped through the transport); 'pass': the
   * pass was one submit on a shared device, so computeMs is the whole pass and copies ran in-queue.
   */
  readonly timing: 'step' | 'pass';
}

export function overlapMs(a: Interval, b: Interval): number {
  return Math.max(0, Math.min(a.endMs, b.endMs) - Math.max(a.startMs, b.startMs));
}

/**
 * One log row from a step's plan, its compute interval and the rank's finished sends. `receives`
 * (blocks from another process) count as exposed time when they land after the compute.
 */
export function stepRecord(
  pass: RingPass,
  plan: StepPlan,
  compute: Interval,
  sends: readonly TransferRecord[],
  receives: readonly TransferRecord[] = [],
): StepRecord {
  let bytesSent = 0;
  let transferMs = 0;
  let hiddenMs = 0;
  let lastEnd = compute.endMs;
  for (const s of sends) {
    bytesSent += s.bytes;
    transferMs += s.endMs - s.startMs;
    hiddenMs += overlapMs(s, compute);
    lastEnd = Math.max(lastEnd, s.endMs);
  }
  for (const r of receives) lastEnd = Math.max(lastEnd, r.endMs);
  return {
    pass,
    step: plan.step,
    rank: plan.rank,
    origin: plan.origin,
    pairs: plan.pairs.length,
    skippedPairs: plan.skippedPairs,
    computedScores: plan.computedScores,
    unmaskedScores: plan.unmaskedScores,
    bytesSent,
    transferMs,
    computeMs: compute.endMs - compute.startMs,
    overlapFraction: transferMs > 0 ? hiddenMs / transferMs : 1,
    exposedMs: lastEnd - compute.endMs,
    timing: 'step',
  };
}

export interface PassSummary {
  readonly pass: RingPass;
  readonly steps: number;
  readonly bytesMoved: number;
  readonly transferMs: number;
  /** Transfer time hidden behind compute over all transfer time (1 when nothing moved). */
  readonly overlapFraction: number;
  /** Sum over steps of the slowest rank's exposed communication. */
  readonly exposedMs: number;
}

export function summarizePass(pass: RingPass, records: readonly StepRecord[]): PassSummary {
  const mine = records.filter((r) => r.pass === pass);
  let bytesMoved = 0;
  let transferMs = 0;
  let hiddenMs = 0;
  const exposedByStep = new Map<number, number>();
  for (const r of mine) {
    bytesMoved += r.bytesSent;
    transferMs += r.transferMs;
    hiddenMs += r.overlapFraction * r.transferMs;
    exposedByStep.set(r.step, Math.max(exposedByStep.get(r.step) ?? 0, r.exposedMs));
  }
  let exposedMs = 0;
  for (const v of exposedByStep.values()) exposedMs += v;
  return {
    pass,
    steps: exposedByStep.size,
    bytesMoved,
    transferMs,
    overlapFraction: transferMs > 0 ? hiddenMs / transferMs : 1,
    exposedMs,
  };
}
