// Ring backward pass: K/V blocks travel again (prefetched while computing) together with their
// dK/dV accumulators (sent once the step's compute has added to them); dQ stays on its rank;
// every block uses the forward's final log-sum-exp and delta = rowsum(dO ∘ O) (FlashAttention-2
// backward, Dao 2023, alg. 2, distributed as in Liu et al. 2023). The last hop of the dK/dV
// accumulators lands in the block owner's own dk/dv (the caller's buffers), not in a slot.
import type { StepRecord } from './commlog.ts';
import {
  ioOf,
  kvSendParts,
  rowsPerRank,
  startKvHop,
  successor,
  type RecordedStep,
  type RingContext,
} from './forward.ts';
import type { RingBackwardIO } from './pass-io.ts';
import { gradSpaceOf, type DkvBlock, type RankRuntime } from './rank.ts';
import {
  blockSpans,
  encodeCopies,
  homeBlock,
  kvAt,
  pairParts,
  settleHop,
  slotFor,
  startHop,
  stepRecords,
  submitStep,
} from './step.ts';
import { transferBytes, type BlockPart, type TransferPart, type TransferRecord } from './transport.ts';

/** The dK/dV accumulators rank `rt` adds into at `step`. */
function dkvAt(rt: RankRuntime, step: number): DkvBlock {
  return gradSpaceOf(rt).dkv[step % 2 === 0 ? 0 : 1];
}

/** The dK/dV accumulators rank `rt` sends after `step`. */
function dkvOut(ctx: RingContext, rt: RankRuntime, step: number): BlockPart[] {
  const src = dkvAt(rt, step);
  const bytes = rowsPerRank(ctx) * ctx.rowBytes;
  return [
    { buffer: src.dk, bytes },
    { buffer: src.dv, bytes },
  ];
}

/** Where rank `rt` receives the dK/dV sent after `step`: its next slot, or its own dk/dv after the last step. */
function dkvInto(ctx: RingContext, io: readonly RingBackwardIO[], rt: RankRuntime, step: number): BlockPart[] {
  const last = step === ctx.layout.ranks - 1;
  const dst: DkvBlock = last ? ioOf(io, rt) : gradSpaceOf(rt).dkv[slotFor(step)];
  const bytes = rowsPerRank(ctx) * ctx.rowBytes;
  return [
    { buffer: dst.dk, bytes },
    { buffer: dst.dv, bytes },
  ];
}

/** dK/dV parts rank `rt` sends after `step` to its (local) successor. */
function dkvSendParts(ctx: RingContext, io: readonly RingBackwardIO[], rt: RankRuntime, step: number): TransferPart[] {
  return pairParts(dkvOut(ctx, rt, step), dkvInto(ctx, io, successor(ctx, rt), step));
}

function encodePrep(encoder: GPUCommandEncoder, rt: RankRuntime, own: RingBackwardIO): void {
  const g = gradSpaceOf(rt);
  rt.attn.encodeBackwardPrep(encoder, { o: own.o, dO: own.dO, rows: rt.rows, delta: g.delta });
  encoder.clearBuffer(own.dq);
  encoder.clearBuffer(g.dkv[0].dk);
  encoder.clearBuffer(g.dkv[0].dv);
}

function encodeBlocks(
  ctx: RingContext,
  io: readonly RingBackwardIO[],
  step: number,
  encoder: GPUCommandEncoder,
  rt: RankRuntime,
): void {
  const plan = ctx.plans[step]?.[rt.rank];
  if (!plan) throw new Error(`no plan for step ${step} rank ${rt.rank}`);
  const own = ioOf(io, rt);
  const kv = kvAt(rt, homeBlock(rt, own), step);
  const dkv = dkvAt(rt, step);
  if (step === 0) encodePrep(encoder, rt, own);
  const g = gradSpaceOf(rt);
  const common = {
    q: own.q,
    qPos: rt.pos,
    k: kv.k,
    v: kv.v,
    kPos: kv.pos,
    dO: own.dO,
    lse: own.lse,
    delta: g.delta,
    dq: own.dq,
    dk: dkv.dk,
    dv: dkv.dv,
  };
  for (const span of blockSpans(plan.pairs, ctx.layout.segmentRows, rowsPerRank(ctx))) {
    rt.attn.encodeBackwardBlock(encoder, { ...common, ...span });
  }
}

/** Runs the R backward steps through the transport (after the forward filled io's o and lse). */
export async function runRingBackward(ctx: RingContext, io: readonly RingBackwardIO[]): Promise<StepRecord[]> {
  const R = ctx.layout.ranks;
  const log: StepRecord[] = [];
  for (let step = 0; step < R; step++) {
    const kvHop = startKvHop(ctx, io, step);
    const intervals = await submitStep(ctx.ranks, `ring backward step ${step}`, (encoder, rt) =>
      encodeBlocks(ctx, io, step, encoder, rt),
    );
    const dkvHop = startHop(
      ctx.transport,
      ctx.ranks,
      (rt) => dkvOut(ctx, rt, step),
      (rt) => dkvInto(ctx, io, rt, step),
    );
    const kv = await settleHop(kvHop);
    const dkv = await settleHop(dkvHop);
    const both = <T>(a: readonly (T | undefined)[], b: readonly (T | undefined)[], i: number): T[] =>
      [a[i], b[i]].filter((t): t is T => t !== undefined);
    log.push(
      ...stepRecords('backward', ctx.plans[step] ?? [], ctx.ranks, intervals, {
        sends: ctx.ranks.map((rt) => both<TransferRecord>(kv.sends, dkv.sends, rt.index)),
        receives: ctx.ranks.map((rt) => both<TransferRecord>(kv.receives, dkv.receives, rt.index)),
      }),
    );
  }
  return log;
}

/** Records the whole backward pass into `encoder` (every rank on one device). */
export function encodeRingBackward(
  ctx: RingContext,
  io: readonly RingBackwardIO[],
  encoder: GPUCommandEncoder,
): RecordedStep[] {
  const R = ctx.layout.ranks;
  const moved = new Map<string, RecordedStep>();
  const add = (step: number, rt: RankRuntime, parts: readonly TransferPart[]): void => {
    const key = `${step}:${rt.rank}`;
    const bytes = (moved.get(key)?.bytes ?? 0) + transferBytes(parts);
    moved.set(key, { step, rank: rt.rank, to: successor(ctx, rt).rank, bytes });
  };
  for (let step = 0; step < R; step++) {
    for (const rt of ctx.ranks) {
      const parts = step < R - 1 ? kvSendParts(ctx, io, rt, step) : [];
      encodeCopies(encoder, parts);
      add(step, rt, parts);
    }
    for (const rt of ctx.ranks) encodeBlocks(ctx, io, step, encoder, rt);
    for (const rt of ctx.ranks) {
      const parts = dkvSendParts(ctx, io, rt, step);
      encodeCopies(encoder, parts);
      add(step, rt, parts);
    }
  }
  return [...moved.values()];
}
