// Isolated-device transport: one GPUDevice per rank, and a transfer staged through host memory
// like a PCIe/network hop (copy to a MAP_READ buffer and mapAsync on the sender, writeBuffer on
// the receiver), optionally held to a link's latency and bandwidth.
import { BufferUsage, openGpu, type AdapterChoice, type Gpu } from '../kernels/index.ts';
import {
  allRanks,
  linkMinimumMs,
  transferBytes,
  type BlockPart,
  type LinkShape,
  type RingTransport,
  type TransferPart,
  type TransferRecord,
} from './transport.ts';

const { MAP_READ, COPY_DST } = BufferUsage; // MAP_READ's bit is also GPUMapMode.READ

/** Reuses MAP_READ staging buffers of one device by size and tracks their peak bytes. */
export class StagingPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private live = 0;
  private all: GPUBuffer[] = [];
  peak = 0;

  constructor(private readonly device: GPUDevice) {}

  acquire(bytes: number): GPUBuffer {
    const buffer =
      this.free.get(bytes)?.pop() ??
      this.track(this.device.createBuffer({ label: 'ring staging', size: bytes, usage: MAP_READ | COPY_DST }));
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const list = this.free.get(buffer.size) ?? [];
    list.push(buffer);
    this.free.set(buffer.size, list);
  }

  private track(buffer: GPUBuffer): GPUBuffer {
    this.all.push(buffer);
    this.live += buffer.size;
    this.peak = Math.max(this.peak, this.live);
    return buffer;
  }

  destroy(): void {
    for (const b of this.all) b.destroy();
    this.all = [];
    this.free.clear();
  }
}

/** Waits until performance.now() >= targetMs (timers may fire up to 1 ms early, so re-check). */
export async function sleepUntil(targetMs: number): Promise<void> {
  while (performance.now() < targetMs) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, targetMs - performance.now())));
  }
}

/** Reads `parts` of the sender into one host buffer (one staging copy, one map). */
export async function readToHost(
  gpu: Gpu,
  pool: StagingPool,
  parts: readonly BlockPart[],
  bytes: number,
): Promise<ArrayBuffer> {
  const staging = pool.acquire(bytes);
  const encoder = gpu.device.createCommandEncoder({ label: 'ring stage out' });
  let offset = 0;
  for (const p of parts) {
    encoder.copyBufferToBuffer(p.buffer, 0, staging, offset, p.bytes);
    offset += p.bytes;
  }
  gpu.device.queue.submit([encoder.finish()]);
  await staging.mapAsync(MAP_READ, 0, bytes);
  const host = staging.getMappedRange(0, bytes).slice(0);
  staging.unmap();
  pool.release(staging);
  return host;
}

export interface IsolatedTransportOptions {
  /** Adapter every rank's device is opened on (all ranks share the physical adapter here). */
  readonly adapter?: AdapterChoice;
  readonly link?: LinkShape;
}

/** Opens one device per rank; destroy() closes them. */
export async function openIsolatedTransport(
  ranks: number,
  options: IsolatedTransportOptions = {},
): Promise<RingTransport> {
  const gpus: Gpu[] = [];
  for (let r = 0; r < ranks; r++) gpus.push(await openGpu(options.adapter ?? {}));
  const pools = gpus.map((g) => new StagingPool(g.device));
  const gpuOf = (rank: number): Gpu => {
    const g = gpus[rank];
    if (!g) throw new RangeError(`rank ${rank} is outside 0..${ranks - 1}`);
    return g;
  };
  return {
    mode: 'isolated',
    ranks,
    local: allRanks(ranks),
    gpu: gpuOf,
    async send(from: number, to: number, parts: readonly TransferPart[]): Promise<TransferRecord> {
      const startMs = performance.now();
      const bytes = transferBytes(parts);
      const pool = pools[from];
      if (!pool) throw new RangeError(`rank ${from} is outside 0..${ranks - 1}`);
      const sources = parts.map((p) => ({ buffer: p.src, bytes: p.bytes }));
      const host = await readToHost(gpuOf(from), pool, sources, bytes);
      await sleepUntil(startMs + linkMinimumMs(options.link, bytes));
      const queue = gpuOf(to).device.queue;
      let offset = 0;
      for (const p of parts) {
        queue.writeBuffer(p.dst, 0, host, offset, p.bytes);
        offset += p.bytes;
      }
      return { from, to, bytes, startMs, endMs: performance.now() };
    },
    stagingBytes: (rank) => pools[rank]?.peak ?? 0,
    destroy() {
      for (const p of pools) p.destroy();
      for (const g of gpus) g.destroy();
    },
  };
}
