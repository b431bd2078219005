// Ring forward pass: R steps; at each, every rank folds the visiting K/V block into its running
// softmax state while sending that block on to the next rank (double-buffered), then finalizes
// O and the log-sum-exp (Liu et al. 2023, "Ring Attention with Blockwise Transformers").
// Two drivers: `runRingForward` steps through the transport (any mode; one submit per device per
// step, timed per step) and `encodeRingForward` records the whole pass into one encoder on a
// shared device (no host wait between steps: in-queue copies are ordered with the folds).
import { stepRecord, type StepRecord } from './commlog.ts';
import type { RingLayout } from './layout.ts';
import type { RingForwardIO } from './pass-io.ts';
import type { RankRuntime } from './rank.ts';
import type { StepPlan } from './schedule.ts';
import {
  blockSpans,
  encodeCopies,
  homeBlock,
  kvAt,
  kvSide,
  localRank,
  nextRank,
  NO_HOP,
  pairParts,
  settleHop,
  slotFor,
  startHop,
  stepRecords,
  submitStep,
} from './step.ts';
import {
  transferBytes,
  type BlockPart,
  type RingTransport,
  type TransferPart,
  type TransferRecord,
} from './transport.ts';

export interface RingContext {
  readonly layout: RingLayout;
  /** plans[step][rank] */
  readonly plans: readonly (readonly StepPlan[])[];
  readonly transport: RingTransport;
  /** The ranks this process computes (in the transport's `local` order; index = position). */
  readonly ranks: readonly RankRuntime[];
  /** Bytes of one row of K (or V, Q, O): H·D·4. */
  readonly rowBytes: number;
}

export function rowsPerRank(ctx: RingContext): number {
  return ctx.layout.segmentsPerRank * ctx.layout.segmentRows;
}

/** The successor of `rt`, which must be local (recorded passes hold every rank). */
export function successor(ctx: RingContext, rt: RankRuntime): RankRuntime {
  const to = localRank(ctx.ranks, nextRank(rt.rank, ctx.layout.ranks));
  if (!to) throw new Error(`rank ${rt.rank}'s successor is not in this process`);
  return to;
}

/** The pass IO record of local rank `rt`. */
export function ioOf<T>(io: readonly T[], rt: RankRuntime): T {
  const x = io[rt.index];
  if (x === undefined) throw new Error(`no pass IO for rank ${rt.rank} (local index ${rt.index})`);
  return x;
}

/** What rank `rt` sends at `step`: the K/V block it computes on. */
export function kvOut(ctx: RingContext, io: readonly RingForwardIO[], rt: RankRuntime, step: number): BlockPart[] {
  return kvSide(kvAt(rt, homeBlock(rt, ioOf(io, rt)), step), rowsPerRank(ctx), ctx.rowBytes);
}

/** Where rank `rt` receives the block sent at `step`: the slot it computes on at step + 1. */
export function kvInto(ctx: RingContext, rt: RankRuntime, step: number): BlockPart[] {
  return kvSide(rt.slots[slotFor(step)], rowsPerRank(ctx), ctx.rowBytes);
}

/** The K/V parts rank `rt` sends at `step` into its (local) successor's slot. */
export function kvSendParts(
  ctx: RingContext,
  io: readonly RingForwardIO[],
  rt: RankRuntime,
  step: number,
): TransferPart[] {
  return pairParts(kvOut(ctx, io, rt, step), kvInto(ctx, successor(ctx, rt), step));
}

/** Starts the K/V hop of `step` for every local rank (none after the last step). */
export function startKvHop(ctx: RingContext, io: readonly RingForwardIO[], step: number) {
  if (step >= ctx.layout.ranks - 1) return NO_HOP;
  return startHop(
    ctx.transport,
    ctx.ranks,
    (rt) => kvOut(ctx, io, rt, step),
    (rt) => kvInto(ctx, rt, step),
  );
}

function encodeFolds(
  ctx: RingContext,
  io: readonly RingForwardIO[],
  step: number,
  encoder: GPUCommandEncoder,
  rt: RankRuntime,
): void {
  const plan = ctx.plans[step]?.[rt.rank];
  if (!plan) throw new Error(`no plan for step ${step} rank ${rt.rank}`);
  const own = ioOf(io, rt);
  const kv = kvAt(rt, homeBlock(rt, own), step);
  if (step === 0) rt.state.encodeReset(encoder);
  for (const span of blockSpans(plan.pairs, ctx.layout.segmentRows, rowsPerRank(ctx))) {
    rt.attn.encodeFold(encoder, { q: own.q, qPos: rt.pos, k: kv.k, v: kv.v, kPos: kv.pos, state: rt.state, ...span });
  }
}

function encodeFinalize(io: readonly RingForwardIO[], encoder: GPUCommandEncoder, rt: RankRuntime): void {
  const own = ioOf(io, rt);
  rt.attn.encodeFinalize(encoder, { state: rt.state, o: own.o, lse: own.lse });
}

/** Runs the R forward steps and the finalize through the transport; O and lse land in `io`. */
export async function runRingForward(ctx: RingContext, io: readonly RingForwardIO[]): Promise<StepRecord[]> {
  const R = ctx.layout.ranks;
  const log: StepRecord[] = [];
  for (let step = 0; step < R; step++) {
    // Sends go first so the sender's read is queued ahead of this step's compute.
    const hop = startKvHop(ctx, io, step);
    const intervals = await submitStep(ctx.ranks, `ring forward step ${step}`, (encoder, rt) =>
      encodeFolds(ctx, io, step, encoder, rt),
    );
    const done = await settleHop(hop);
    log.push(
      ...stepRecords('forward', ctx.plans[step] ?? [], ctx.ranks, intervals, {
        sends: done.sends.map((d) => [d]),
        receives: done.receives.map((d) => (d ? [d] : [])),
      }),
    );
  }
  await submitStep(ctx.ranks, 'ring forward finalize', (encoder, rt) => encodeFinalize(io, encoder, rt));
  return log;
}

/**
 * Records the whole forward pass into `encoder` (every rank on one device). Returns what each step
 * moves, for the log once the caller's submit has finished (`recordedLog`).
 */
export function encodeRingForward(
  ctx: RingContext,
  io: readonly RingForwardIO[],
  encoder: GPUCommandEncoder,
): RecordedStep[] {
  const R = ctx.layout.ranks;
  const moved: RecordedStep[] = [];
  for (let step = 0; step < R; step++) {
    for (const rt of ctx.ranks) {
      const parts = step < R - 1 ? kvSendParts(ctx, io, rt, step) : [];
      encodeCopies(encoder, parts);
      moved.push({ step, rank: rt.rank, to: successor(ctx, rt).rank, bytes: transferBytes(parts) });
    }
    for (const rt of ctx.ranks) encodeFolds(ctx, io, step, encoder, rt);
  }
  for (const rt of ctx.ranks) encodeFinalize(io, encoder, rt);
  return moved;
}

/** Bytes one rank's in-queue copies moved at one step of a recorded pass. */
export interface RecordedStep {
  readonly step: number;
  readonly rank: number;
  readonly to: number;
  readonly bytes: number;
}

/**
 * Log rows of a recorded pass. Its copies and compute were one submit, so each step carries the
 * pass's interval as its compute time and its copies as zero-length, in-queue transfers.
 */
export function recordedLog(
  ctx: RingContext,
  pass: 'forward' | 'backward',
  moved: readonly RecordedStep[],
  interval: { startMs: number; endMs: number },
): StepRecord[] {
  return moved.map((m) => {
    const plan = ctx.plans[m.step]?.[m.rank];
    if (!plan) throw new Error(`no plan for step ${m.step} rank ${m.rank}`);
    const sends: TransferRecord[] =
      m.bytes > 0
        ? [{ from: m.rank, to: m.to, bytes: m.bytes, startMs: interval.startMs, endMs: interval.startMs }]
        : [];
    return { ...stepRecord(pass, plan, interval, sends), timing: 'pass' };
  });
}
