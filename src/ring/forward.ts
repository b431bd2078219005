// Ring forward pass: R steps; at each, every rank folds the visiting K/V block into its running
// softmax state while sending that block on to the next rank (double-buffered), then finalizes
// O and the log-sum-exp (Liu et al. 2023, "Ring Attention with Blockwise Transformers").
import type { StepRecord } from './commlog.ts';
import type { RingLayout } from './layout.ts';
import type { RankRuntime } from './rank.ts';
import type { StepPlan } from './schedule.ts';
import { blockSpans, kvAt, kvParts, nextRank, slotFor, stepRecords, submitStep } from './step.ts';
import type { RingTransport, TransferRecord } from './transport.ts';

export interface RingContext {
  readonly layout: RingLayout;
  /** plans[step][rank] */
  readonly plans: readonly (readonly StepPlan[])[];
  readonly transport: RingTransport;
  readonly ranks: readonly RankRuntime[];
  /** Bytes of one row of K (or V, Q, O): H·D·4. */
  readonly rowBytes: number;
}

/** Starts every rank's send of the block it computes on at `step` to the next rank. */
function sendKv(ctx: RingContext, step: number): Promise<TransferRecord>[] {
  const rows = ctx.layout.segmentsPerRank * ctx.layout.segmentRows;
  return ctx.ranks.map((rt) => {
    const to = ctx.ranks[nextRank(rt.rank, ctx.ranks.length)];
    if (!to) throw new Error(`rank ${rt.rank} has no successor`);
    return ctx.transport.send(rt.rank, to.rank, kvParts(kvAt(rt, step), to.slots[slotFor(step)], rows, ctx.rowBytes));
  });
}

function encodeFolds(ctx: RingContext, step: number, encoder: GPUCommandEncoder, rt: RankRuntime): void {
  const plan = ctx.plans[step]?.[rt.rank];
  if (!plan) throw new Error(`no plan for step ${step} rank ${rt.rank}`);
  const kv = kvAt(rt, step);
  if (step === 0) rt.state.encodeReset(encoder);
  const rows = ctx.layout.segmentsPerRank * ctx.layout.segmentRows;
  for (const span of blockSpans(plan.pairs, ctx.layout.segmentRows, rows)) {
    rt.attn.encodeFold(encoder, { q: rt.q, qPos: rt.home.pos, k: kv.k, v: kv.v, kPos: kv.pos, state: rt.state, ...span });
  }
}

/** Runs the R forward steps and the finalize; O and lse are left in each rank's buffers. */
export async function runRingForward(ctx: RingContext): Promise<StepRecord[]> {
  const R = ctx.ranks.length;
  const log: StepRecord[] = [];
  for (let step = 0; step < R; step++) {
    // Sends go first so the sender's read is queued ahead of this step's compute.
    const sends = step < R - 1 ? sendKv(ctx, step) : [];
    const intervals = await submitStep(ctx.ranks, `ring forward step ${step}`, (encoder, rt) => encodeFolds(ctx, step, encoder, rt));
    const done = await Promise.all(sends);
    log.push(...stepRecords('forward', ctx.plans[step] ?? [], intervals, done.map((d) => [d])));
  }
  await submitStep(ctx.ranks, 'ring forward finalize', (encoder, rt) =>
    rt.attn.encodeFinalize(encoder, { state: rt.state, o: rt.o, lse: rt.lse }),
  );
  return log;
}
