// Ring backward pass: K/V blocks travel again (prefetched while computing) together with their
// dK/dV accumulators (sent once the step's compute has added to them); dQ stays on its rank;
// every block uses the forward's final log-sum-exp and delta = rowsum(dO ∘ O) (FlashAttention-2
// backward, Dao 2023, alg. 2, distributed as in Liu et al. 2023).
import type { StepRecord } from './commlog.ts';
import type { RingContext } from './forward.ts';
import type { RankGrads, RankRuntime } from './rank.ts';
import { blockSpans, kvAt, kvParts, nextRank, slotFor, stepRecords, submitStep } from './step.ts';
import type { TransferRecord } from './transport.ts';

function gradsOf(rt: RankRuntime): RankGrads {
  if (!rt.grads) throw new Error(`rank ${rt.rank}: backward before loadGrad()`);
  return rt.grads;
}

function successor(ctx: RingContext, rt: RankRuntime): RankRuntime {
  const to = ctx.ranks[nextRank(rt.rank, ctx.ranks.length)];
  if (!to) throw new Error(`rank ${rt.rank} has no successor`);
  return to;
}

function rowsPerRank(ctx: RingContext): number {
  return ctx.layout.segmentsPerRank * ctx.layout.segmentRows;
}

/** Starts the K/V prefetch for step + 1 on every rank. */
function sendKv(ctx: RingContext, step: number): Promise<TransferRecord>[] {
  return ctx.ranks.map((rt) => {
    const to = successor(ctx, rt);
    return ctx.transport.send(rt.rank, to.rank, kvParts(kvAt(rt, step), to.slots[slotFor(step)], rowsPerRank(ctx), ctx.rowBytes));
  });
}

/** Starts every rank's send of the dK/dV accumulators it just added to. */
function sendDkv(ctx: RingContext, step: number): Promise<TransferRecord>[] {
  const bytes = rowsPerRank(ctx) * ctx.rowBytes;
  return ctx.ranks.map((rt) => {
    const to = successor(ctx, rt);
    const src = gradsOf(rt).dkv[step % 2 === 0 ? 0 : 1];
    const dst = gradsOf(to).dkv[slotFor(step)];
    return ctx.transport.send(rt.rank, to.rank, [
      { src: src.dk, dst: dst.dk, bytes },
      { src: src.dv, dst: dst.dv, bytes },
    ]);
  });
}

function encodePrep(encoder: GPUCommandEncoder, rt: RankRuntime): void {
  const g = gradsOf(rt);
  rt.attn.encodeBackwardPrep(encoder, { o: rt.o, dO: g.dO, rows: rt.rows, delta: g.delta });
  encoder.clearBuffer(g.dq);
  encoder.clearBuffer(g.dkv[0].dk);
  encoder.clearBuffer(g.dkv[0].dv);
}

function encodeBlocks(ctx: RingContext, step: number, encoder: GPUCommandEncoder, rt: RankRuntime): void {
  const plan = ctx.plans[step]?.[rt.rank];
  if (!plan) throw new Error(`no plan for step ${step} rank ${rt.rank}`);
  const g = gradsOf(rt);
  const kv = kvAt(rt, step);
  const dkv = g.dkv[step % 2 === 0 ? 0 : 1];
  if (step === 0) encodePrep(encoder, rt);
  const common = { q: rt.q, qPos: rt.home.pos, k: kv.k, v: kv.v, kPos: kv.pos, dO: g.dO, lse: rt.lse, delta: g.delta, dq: g.dq, dk: dkv.dk, dv: dkv.dv };
  for (const span of blockSpans(plan.pairs, ctx.layout.segmentRows, rowsPerRank(ctx))) {
    rt.attn.encodeBackwardBlock(encoder, { ...common, ...span });
  }
}

/**
 * Runs the R backward steps. The dK/dV of the block a rank holds at the last step go one more hop,
 * home to the block's owner, so afterwards rank r's dkv slot `R % 2` holds dK, dV of its own rows.
 */
export async function runRingBackward(ctx: RingContext): Promise<StepRecord[]> {
  const R = ctx.ranks.length;
  const log: StepRecord[] = [];
  for (let step = 0; step < R; step++) {
    const kvSends = step < R - 1 ? sendKv(ctx, step) : [];
    const intervals = await submitStep(ctx.ranks, `ring backward step ${step}`, (encoder, rt) => encodeBlocks(ctx, step, encoder, rt));
    const dkvSends = sendDkv(ctx, step);
    const kvDone = await Promise.all(kvSends);
    const dkvDone = await Promise.all(dkvSends);
    const sends = ctx.ranks.map((rt) => [kvDone[rt.rank], dkvDone[rt.rank]].filter((t): t is TransferRecord => t !== undefined));
    log.push(...stepRecords('backward', ctx.plans[step] ?? [], intervals, sends));
  }
  return log;
}

/** The dkv slot that holds a rank's own final dK/dV after runRingBackward. */
export function finalDkvSlot(ranks: number): 0 | 1 {
  return ranks % 2 === 0 ? 0 : 1;
}
