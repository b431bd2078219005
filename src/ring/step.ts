// What forward and backward steps share: ranks grouped by device (one command encoder and one
// submit per device per step, or one encoder for a whole pass on a shared device), the K/V block
// a rank holds at a step, and the log rows.
import { stepRecord, type Interval, type RingPass, type StepRecord } from './commlog.ts';
import type { KvBlock, RankRuntime } from './rank.ts';
import type { BlockPair, StepPlan } from './schedule.ts';
import type { TransferPart, TransferRecord } from './transport.ts';

/** Encodes every rank of each device into one encoder, submits once per device, and resolves to
 *  each rank's compute interval (host clock, from encoding to onSubmittedWorkDone). */
export function submitStep(
  ranks: readonly RankRuntime[],
  label: string,
  encode: (encoder: GPUCommandEncoder, rt: RankRuntime) => void,
): Promise<Interval[]> {
  const byDevice = new Map<GPUDevice, RankRuntime[]>();
  for (const rt of ranks) byDevice.set(rt.gpu.device, [...(byDevice.get(rt.gpu.device) ?? []), rt]);
  const perDevice = [...byDevice.entries()].map(([device, group]) => {
    const startMs = performance.now();
    const encoder = device.createCommandEncoder({ label });
    for (const rt of group) encode(encoder, rt);
    device.queue.submit([encoder.finish()]);
    return device.queue
      .onSubmittedWorkDone()
      .then((): [RankRuntime[], Interval] => [group, { startMs, endMs: performance.now() }]);
  });
  return Promise.all(perDevice).then((done) => {
    const out: Interval[] = [];
    for (const [group, interval] of done) for (const rt of group) out[rt.rank] = interval;
    return out;
  });
}

/** The K/V block rank `rt` computes on at `step`: its own (`home`) at step 0, then the slot it received. */
export function kvAt(rt: RankRuntime, home: KvBlock, step: number): KvBlock {
  return step === 0 ? home : rt.slots[step % 2 === 0 ? 0 : 1];
}

/** A rank's own K/V block: the caller's k and v with the rank's row positions. */
export function homeBlock(rt: RankRuntime, io: { readonly k: GPUBuffer; readonly v: GPUBuffer }): KvBlock {
  return { k: io.k, v: io.v, pos: rt.pos };
}

/** The slot a block sent at `step` lands in (the receiver computes on it at step + 1). */
export function slotFor(step: number): 0 | 1 {
  return (step + 1) % 2 === 0 ? 0 : 1;
}

export function kvParts(src: KvBlock, dst: KvBlock, rows: number, rowBytes: number): TransferPart[] {
  return [
    { src: src.k, dst: dst.k, bytes: rows * rowBytes },
    { src: src.v, dst: dst.v, bytes: rows * rowBytes },
    { src: src.pos, dst: dst.pos, bytes: rows * 4 },
  ];
}

/** Records `parts` as in-queue copies (shared device: ordered with the compute around them). */
export function encodeCopies(encoder: GPUCommandEncoder, parts: readonly TransferPart[]): void {
  for (const p of parts) encoder.copyBufferToBuffer(p.src, 0, p.dst, 0, p.bytes);
}

/** Log rows of one step: each rank's plan, compute interval and the sends it made. */
export function stepRecords(
  pass: RingPass,
  plans: readonly StepPlan[],
  intervals: readonly Interval[],
  sends: readonly (readonly TransferRecord[])[],
): StepRecord[] {
  return plans.map((plan) => {
    const interval = intervals[plan.rank];
    if (!interval) throw new Error(`no compute interval for rank ${plan.rank}`);
    return stepRecord(pass, plan, interval, sends[plan.rank] ?? []);
  });
}

export function nextRank(rank: number, ranks: number): number {
  return (rank + 1) % ranks;
}

/** Rows of one block dispatch: a query range of the rank's rows against a range of the K/V block. */
export interface BlockSpan {
  readonly qRows: number;
  readonly qOffset: number;
  readonly kRows: number;
  readonly kOffset: number;
  /** The rank's layout segment: the kernels keep each workgroup inside one (positions jump between them). */
  readonly qSegmentRows: number;
  readonly kSegmentRows: number;
}

/**
 * The dispatches for a step's live pairs. Several live pairs become one dispatch over the rank's
 * whole Q and K/V blocks: positions ascend within a rank in every layout, so the kernels trim the
 * masked key and query ranges per workgroup themselves, and on small blocks the per-dispatch cost
 * (launch, tail of the last workgroups) made the ring 17 % slower than one device in the backward.
 */
export function blockSpans(pairs: readonly BlockPair[], segmentRows: number, rowsPerRank: number): BlockSpan[] {
  const segments = { qSegmentRows: segmentRows, kSegmentRows: segmentRows };
  if (pairs.length > 1) return [{ qRows: rowsPerRank, qOffset: 0, kRows: rowsPerRank, kOffset: 0, ...segments }];
  return pairs.map(({ qSegment, kSegment }) => ({
    qRows: segmentRows,
    qOffset: qSegment * segmentRows,
    kRows: segmentRows,
    kOffset: kSegment * segmentRows,
    ...segments,
  }));
}
