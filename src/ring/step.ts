// What forward and backward steps share: ranks grouped by device (one command encoder and one
// submit per device per step, or one encoder for a whole pass on a shared device), the K/V block
// a rank holds at a step, and the log rows.
import { stepRecord, type Interval, type RingPass, type StepRecord } from './commlog.ts';
import type { KvBlock, RankRuntime } from './rank.ts';
import type { BlockPair, StepPlan } from './schedule.ts';
import type { BlockPart, RingTransport, TransferPart, TransferRecord } from './transport.ts';

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

/** The buffers of a K/V block as one side of a transfer: k, v (rows·rowBytes each) and positions. */
export function kvSide(block: KvBlock, rows: number, rowBytes: number): BlockPart[] {
  return [
    { buffer: block.k, bytes: rows * rowBytes },
    { buffer: block.v, bytes: rows * rowBytes },
    { buffer: block.pos, bytes: rows * 4 },
  ];
}

/** A sender's and a receiver's sides of one transfer, paired buffer by buffer. */
export function pairParts(out: readonly BlockPart[], into: readonly BlockPart[]): TransferPart[] {
  if (out.length !== into.length) throw new Error(`transfer sides differ: ${out.length} vs ${into.length} buffers`);
  return out.map((o, i) => {
    const dst = into[i];
    if (!dst || dst.bytes !== o.bytes) throw new Error(`transfer part ${i}: ${o.bytes} bytes out, ${dst?.bytes} in`);
    return { src: o.buffer, dst: dst.buffer, bytes: o.bytes };
  });
}

/** The transfers of one ring hop, by local rank index: its send, and its receive when its predecessor is remote. */
export interface Hop {
  readonly sends: readonly Promise<TransferRecord>[];
  readonly receives: readonly Promise<TransferRecord | undefined>[];
}

export const NO_HOP: Hop = { sends: [], receives: [] };

/** The local rank `rank`, if this process holds it. */
export function localRank(ranks: readonly RankRuntime[], rank: number): RankRuntime | undefined {
  return ranks.find((rt) => rt.rank === rank);
}

/**
 * Starts one hop around the ring: every local rank's `out` goes to its successor's `into`. Both
 * ends local: one transport send; otherwise each process posts its half through `remote`.
 */
export function startHop(
  transport: RingTransport,
  ranks: readonly RankRuntime[],
  out: (rt: RankRuntime) => readonly BlockPart[],
  into: (rt: RankRuntime) => readonly BlockPart[],
): Hop {
  const R = transport.ranks;
  const remote = (): NonNullable<RingTransport['remote']> => {
    if (!transport.remote) throw new Error(`${transport.mode} transport holds only some ranks but has no remote link`);
    return transport.remote;
  };
  const sends = ranks.map((rt) => {
    const to = nextRank(rt.rank, R);
    const peer = localRank(ranks, to);
    return peer ? transport.send(rt.rank, to, pairParts(out(rt), into(peer))) : remote().send(rt.rank, to, out(rt));
  });
  const receives = ranks.map((rt) => {
    const from = (rt.rank + R - 1) % R;
    return localRank(ranks, from) ? Promise.resolve(undefined) : remote().receive(from, rt.rank, into(rt));
  });
  return { sends, receives };
}

/** Waits for a hop; per local rank index, the rank's send and its remote receive (if any). */
export async function settleHop(
  hop: Hop,
): Promise<{ sends: TransferRecord[]; receives: (TransferRecord | undefined)[] }> {
  const [sends, receives] = await Promise.all([Promise.all(hop.sends), Promise.all(hop.receives)]);
  return { sends, receives };
}

/** Records `parts` as in-queue copies (shared device: ordered with the compute around them). */
export function encodeCopies(encoder: GPUCommandEncoder, parts: readonly TransferPart[]): void {
  for (const p of parts) encoder.copyBufferToBuffer(p.src, 0, p.dst, 0, p.bytes);
}

/**
 * Log rows of one step for the local ranks: each one's plan, compute interval, the sends it made
 * and the receives it waited for from another process (by local index).
 */
export function stepRecords(
  pass: RingPass,
  plans: readonly StepPlan[],
  ranks: readonly RankRuntime[],
  intervals: readonly Interval[],
  moved: {
    readonly sends: readonly (readonly TransferRecord[])[];
    readonly receives?: readonly (readonly TransferRecord[])[];
  },
): StepRecord[] {
  return ranks.map((rt) => {
    const plan = plans[rt.rank];
    const interval = intervals[rt.rank];
    if (!plan || !interval) throw new Error(`no plan or compute interval for rank ${rt.rank}`);
    return stepRecord(pass, plan, interval, moved.sends[rt.index] ?? [], moved.receives?.[rt.index] ?? []);
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
 * (launch, tail of the last workgroups) made the ring slower than one device in the backward
 * (docs/measurements.md, "Ring: one dispatch per step's live pairs").
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
