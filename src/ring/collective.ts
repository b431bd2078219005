// A sum (all-reduce) of same-shaped f32 GPU buffers over the ranks of a transport, for the
// replicated parameters' gradients of sequence-parallel training. Reduce to rank 0, then
// broadcast: (R − 1)·N values in and (R − 1)·N out. On a shared device both halves are recorded
// into the caller's encoder (in-queue adds and copies, no host wait); on isolated devices every
// hop is a transport send staged through host memory and logged like the ring's K/V sends; over
// processes each rank posts its own halves (rank 0 adds the ranks' buffers in the same order, so
// the sum is bit-identical to the isolated mode's).
import { ResidualAdd, ShapeError, STORAGE_USAGE as STORAGE, type Gpu } from '../kernels/index.ts';
import type { RemoteLink, RingTransport, TransferRecord } from './transport.ts';

/** What one all-reduce moved: every hop, in order (recorded hops carry the submit's interval). */
export interface CollectiveRecord {
  readonly kind: 'all-reduce';
  readonly count: number;
  readonly bytesMoved: number;
  readonly transfers: readonly TransferRecord[];
}

export interface GradientCollective {
  readonly ranks: number;
  /** True when every rank is on one device (encodeAllReduce works). */
  readonly recordable: boolean;
  /**
   * Every `buffers[i]` (on the device of the transport's i-th local rank, ≥ count f32) ends holding
   * the sum over all ranks. Submits and waits.
   */
  allReduce(buffers: readonly GPUBuffer[], count: number): Promise<CollectiveRecord>;
  /** The same, recorded into `encoder` (shared device only); the caller submits. */
  encodeAllReduce(encoder: GPUCommandEncoder, buffers: readonly GPUBuffer[], count: number): CollectiveRecord;
  /** Every record so far (the communication log of the collective). */
  readonly log: readonly CollectiveRecord[];
  destroy(): void;
}

/** The device that adds: rank 0's, or this process's first rank's when rank 0 is elsewhere. */
function rootGpu(transport: RingTransport): Gpu {
  return transport.gpu(transport.local[0] ?? 0);
}

function checkBuffers(buffers: readonly GPUBuffer[], count: number, ranks: number): void {
  if (buffers.length !== ranks)
    throw new ShapeError(`all-reduce: got ${buffers.length} buffers, expected one per local rank (${ranks})`);
  if (!Number.isInteger(count) || count < 1)
    throw new ShapeError(`all-reduce: count = ${count}, expected a positive integer`);
  buffers.forEach((b, r) => {
    if (b.size < count * 4)
      throw new ShapeError(
        `all-reduce: buffers[${r}] ('${b.label}') has ${b.size} bytes, needs ${count} f32 = ${count * 4}`,
      );
  });
}

/** Opens the collective on `transport` (compiles the add kernel on rank 0's device). */
export async function createGradientCollective(transport: RingTransport): Promise<GradientCollective> {
  const root = rootGpu(transport);
  const add = await ResidualAdd.prepare(root);
  const R = transport.ranks;
  const recordable =
    transport.local.length === R && transport.local.every((r) => transport.gpu(r).device === root.device);
  const log: CollectiveRecord[] = [];
  let inbox: GPUBuffer | undefined;
  const inboxFor = (bytes: number): GPUBuffer => {
    if (!inbox || inbox.size < bytes) {
      inbox?.destroy();
      inbox = root.device.createBuffer({ label: 'all-reduce inbox', size: bytes, usage: STORAGE });
    }
    return inbox;
  };
  const bufferAt = (buffers: readonly GPUBuffer[], r: number): GPUBuffer => {
    const b = buffers[r];
    if (!b) throw new ShapeError(`all-reduce: no buffer for rank ${r}`);
    return b;
  };
  const finish = (count: number, transfers: TransferRecord[]): CollectiveRecord => {
    const record: CollectiveRecord = {
      kind: 'all-reduce',
      count,
      bytesMoved: transfers.reduce((n, t) => n + t.bytes, 0),
      transfers,
    };
    log.push(record);
    return record;
  };
  const collective: GradientCollective = {
    ranks: R,
    recordable,
    log,
    encodeAllReduce(encoder, buffers, count) {
      if (!recordable)
        throw new ShapeError(
          'all-reduce: encodeAllReduce needs every rank on one device; use allReduce on isolated devices',
        );
      checkBuffers(buffers, count, R);
      const sum = bufferAt(buffers, 0);
      const bytes = count * 4;
      const now = performance.now();
      const transfers: TransferRecord[] = [];
      for (let r = 1; r < R; r++) {
        add.encodeInPlace(encoder, { acc: sum, y: bufferAt(buffers, r) }, count);
        transfers.push({ from: r, to: 0, bytes, startMs: now, endMs: now });
      }
      for (let r = 1; r < R; r++) {
        encoder.copyBufferToBuffer(sum, 0, bufferAt(buffers, r), 0, bytes);
        transfers.push({ from: 0, to: r, bytes, startMs: now, endMs: now });
      }
      return finish(count, transfers);
    },
    async allReduce(buffers, count) {
      checkBuffers(buffers, count, transport.local.length);
      if (transport.remote) return finish(count, await acrossProcesses(transport, transport.remote, buffers, count));
      if (recordable) {
        const encoder = root.device.createCommandEncoder({ label: 'all-reduce' });
        const record = collective.encodeAllReduce(encoder, buffers, count);
        root.device.queue.submit([encoder.finish()]);
        await root.device.queue.onSubmittedWorkDone();
        return record;
      }
      const sum = bufferAt(buffers, 0);
      const bytes = count * 4;
      const box = inboxFor(bytes);
      const transfers: TransferRecord[] = [];
      // Reduce: one hop at a time into rank 0's inbox (the inbox is reused, so hops are serial).
      for (let r = 1; r < R; r++) {
        transfers.push(await transport.send(r, 0, [{ src: bufferAt(buffers, r), dst: box, bytes }]));
        const encoder = root.device.createCommandEncoder({ label: `all-reduce add ${r}` });
        add.encodeInPlace(encoder, { acc: sum, y: box }, count);
        root.device.queue.submit([encoder.finish()]);
      }
      const sends = Array.from({ length: R - 1 }, (_, i) =>
        transport.send(0, i + 1, [{ src: sum, dst: bufferAt(buffers, i + 1), bytes }]),
      );
      transfers.push(...(await Promise.all(sends)));
      return finish(count, transfers);
    },
    destroy() {
      inbox?.destroy();
    },
  };
  /**
   * The same reduce-then-broadcast when ranks live in several processes: rank 0 receives every
   * other rank's buffer in rank order into its inbox and adds it, then sends the sum back; the other
   * ranks send theirs and receive the sum. Local peers of rank 0 still go through `transport.send`.
   */
  const acrossProcesses = async (
    t: RingTransport,
    remote: RemoteLink,
    buffers: readonly GPUBuffer[],
    count: number,
  ): Promise<TransferRecord[]> => {
    const bytes = count * 4;
    const localIndex = (rank: number): number => t.local.indexOf(rank);
    const transfers: TransferRecord[] = [];
    if (localIndex(0) < 0) {
      for (const [i, rank] of t.local.entries()) {
        const own = [{ buffer: bufferAt(buffers, i), bytes }];
        transfers.push(await remote.send(rank, 0, own), await remote.receive(0, rank, own));
      }
      return transfers;
    }
    const sum = bufferAt(buffers, localIndex(0));
    const box = inboxFor(bytes);
    for (let r = 1; r < R; r++) {
      const i = localIndex(r);
      transfers.push(
        i >= 0
          ? await t.send(r, 0, [{ src: bufferAt(buffers, i), dst: box, bytes }])
          : await remote.receive(r, 0, [{ buffer: box, bytes }]),
      );
      const encoder = root.device.createCommandEncoder({ label: `all-reduce add ${r}` });
      add.encodeInPlace(encoder, { acc: sum, y: box }, count);
      root.device.queue.submit([encoder.finish()]);
    }
    const sends = Array.from({ length: R - 1 }, (_, k) => {
      const i = localIndex(k + 1);
      return i >= 0
        ? t.send(0, k + 1, [{ src: sum, dst: bufferAt(buffers, i), bytes }])
        : remote.send(0, k + 1, [{ buffer: sum, bytes }]);
    });
    transfers.push(...(await Promise.all(sends)));
    return transfers;
  };
  return collective;
}
