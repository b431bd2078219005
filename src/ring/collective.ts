// A sum (all-reduce) of same-shaped f32 GPU buffers over the ranks of a transport, for the
// replicated parameters' gradients of sequence-parallel training. Reduce to rank 0, then
// broadcast: (R − 1)·N values in and (R − 1)·N out. On a shared device both halves are recorded
// into the caller's encoder (in-queue adds and copies, no host wait); on isolated devices every
// hop is a transport send staged through host memory and logged like the ring's K/V sends.
import { ResidualAdd, ShapeError, STORAGE_USAGE as STORAGE, type Gpu } from '../kernels/index.ts';
import type { RingTransport, TransferRecord } from './transport.ts';

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
  /** Every `buffers[r]` (on rank r's device, ≥ count f32) ends holding Σ_r buffers[r]. Submits and waits. */
  allReduce(buffers: readonly GPUBuffer[], count: number): Promise<CollectiveRecord>;
  /** The same, recorded into `encoder` (shared device only); the caller submits. */
  encodeAllReduce(encoder: GPUCommandEncoder, buffers: readonly GPUBuffer[], count: number): CollectiveRecord;
  /** Every record so far (the communication log of the collective). */
  readonly log: readonly CollectiveRecord[];
  destroy(): void;
}

function rootGpu(transport: RingTransport): Gpu {
  return transport.gpu(0);
}

function checkBuffers(buffers: readonly GPUBuffer[], count: number, ranks: number): void {
  if (buffers.length !== ranks)
    throw new ShapeError(`all-reduce: got ${buffers.length} buffers, expected one per rank (${ranks})`);
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
  const recordable = Array.from({ length: R }, (_, r) => transport.gpu(r).device).every((d) => d === root.device);
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
      checkBuffers(buffers, count, R);
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
  return collective;
}
