// Process transport: this process is one rank of the ring (SPMD, as torch.distributed), with its
// own WebGPU device; the other ranks are other processes (on this host or others), found through a
// Redis rendezvous by run id and reached over ZeroMQ (mesh.ts). A block leaves the device through a
// MAP_READ staging buffer (one copy into host memory), goes to ZeroMQ without another copy, and is
// written to the receiver's device from the received frame. An emulated link (token bucket and
// delay per destination) is off unless asked for.
import { openGpu, type AdapterChoice, type Gpu } from '../kernels/index.ts';
import { openMesh, RankLostError, type Mesh } from './mesh.ts';
import { clearRendezvous, rendezvous, type PeerInfo } from './rendezvous.ts';
import { readToHost, sleepUntil, StagingPool } from './transport-isolated.ts';
import type { BlockPart, LinkShape, RemoteLink, RingTransport, TransferRecord } from './transport.ts';

/** How a process joins a multi-process run as one rank (bench train --rank --world --rendezvous). */
export interface ProcessJoin {
  readonly rank: number;
  readonly world: number;
  /** Redis URL of the rendezvous store. */
  readonly rendezvous: URL;
  readonly runId: string;
  /** Address this rank listens on (default 127.0.0.1). */
  readonly host?: string;
  /** Emulated link: each destination's bytes serialised at `bandwidthGBps`, then delayed `latencyUs`. */
  readonly link?: LinkShape;
  /** How long to wait for every rank to join and answer (default 60 s). */
  readonly joinTimeoutMs?: number;
}

export interface ProcessTransportOptions extends ProcessJoin {
  readonly adapter?: AdapterChoice;
}

export interface ProcessTransport extends RingTransport {
  readonly rank: number;
  readonly peers: readonly PeerInfo[];
  /** Rejects with a RankLostError once another rank is lost. */
  readonly failed: Promise<never>;
  /** Ends the run for every rank: `reason` when this rank stopped on an error. */
  close(reason?: string): Promise<void>;
}

/** Per destination, when the emulated wire is next free (a token bucket of one transfer's bytes). */
class EmulatedLink {
  private readonly busyUntil = new Map<number, number>();
  constructor(private readonly link: LinkShape | undefined) {}

  /** Waits until `bytes` to `to` would have crossed the link and its latency, from `startMs`. */
  async hold(to: number, bytes: number, startMs: number): Promise<void> {
    if (!this.link) return;
    const wireMs = this.link.bandwidthGBps ? bytes / (this.link.bandwidthGBps * 1e6) : 0;
    const wireStart = Math.max(startMs, this.busyUntil.get(to) ?? 0);
    this.busyUntil.set(to, wireStart + wireMs);
    await sleepUntil(wireStart + wireMs + (this.link.latencyUs ?? 0) / 1e3);
  }
}

function remoteLink(rank: number, gpu: Gpu, mesh: Mesh, link: EmulatedLink, pool: StagingPool): RemoteLink {
  const checkLocal = (r: number, role: string): void => {
    if (r !== rank) throw new RangeError(`process transport: ${role} rank ${r} is not this process's rank ${rank}`);
  };
  return {
    async send(from, to, parts) {
      checkLocal(from, 'sending');
      const startMs = performance.now();
      const bytes = parts.reduce((n, p) => n + p.bytes, 0);
      const host = await readToHost(gpu, pool, parts, bytes);
      await link.hold(to, bytes, startMs);
      await mesh.send(from, to, new Uint8Array(host));
      return { from, to, bytes, startMs, endMs: performance.now() };
    },
    async receive(from, to, parts) {
      checkLocal(to, 'receiving');
      const startMs = performance.now();
      const data = await mesh.receive(from, to);
      const bytes = parts.reduce((n, p) => n + p.bytes, 0);
      if (data.byteLength !== bytes)
        throw new RankLostError(
          from,
          `rank ${to}: the block from rank ${from} has ${data.byteLength} bytes, this rank expects ${bytes} ` +
            '(ranks started with different shapes or flags?)',
        );
      writeParts(gpu, parts, data);
      return { from, to, bytes, startMs, endMs: performance.now() };
    },
  };
}

function writeParts(gpu: Gpu, parts: readonly BlockPart[], data: Buffer): void {
  let offset = 0;
  for (const p of parts) {
    gpu.device.queue.writeBuffer(p.buffer, 0, data, offset, p.bytes);
    offset += p.bytes;
  }
}

function checkRank(o: ProcessTransportOptions): void {
  if (!Number.isInteger(o.world) || o.world < 1)
    throw new RangeError(`process transport: world ${o.world} must be a positive integer`);
  if (!Number.isInteger(o.rank) || o.rank < 0 || o.rank >= o.world)
    throw new RangeError(`process transport: rank ${o.rank} must be an integer in 0..${o.world - 1}`);
}

/** Opens this rank's device, joins the run's rendezvous and connects to every other rank. */
export async function openProcessTransport(o: ProcessTransportOptions): Promise<ProcessTransport> {
  checkRank(o);
  // The mesh first: ZeroMQ's I/O thread starts with its first socket and inherits the creating
  // thread's priority, which opening a CPU adapter lowers to nice 19 (kernels/runtime/poller.ts);
  // at nice 19 on a loaded host its heartbeats starved and healthy ranks were dropped.
  const mesh = await openMesh({ rank: o.rank, world: o.world, ...(o.host ? { host: o.host } : {}) });
  let gpu: Gpu;
  try {
    gpu = await openGpu(o.adapter ?? {});
  } catch (error) {
    await mesh.close(error instanceof Error ? error.message : String(error));
    throw error;
  }
  try {
    const timeoutMs = o.joinTimeoutMs ?? 60_000;
    const peers = await rendezvous({
      url: o.rendezvous,
      runId: o.runId,
      rank: o.rank,
      world: o.world,
      endpoint: mesh.endpoint,
      timeoutMs,
    });
    await mesh.connect(peers, timeoutMs);
    return assemble(o, gpu, mesh, peers);
  } catch (error) {
    await mesh.close(error instanceof Error ? error.message : String(error));
    gpu.destroy();
    throw error;
  }
}

function assemble(o: ProcessTransportOptions, gpu: Gpu, mesh: Mesh, peers: readonly PeerInfo[]): ProcessTransport {
  const pool = new StagingPool(gpu.device);
  const gpuOf = (rank: number): Gpu => {
    if (rank !== o.rank) throw new RangeError(`process transport: rank ${rank} lives in another process`);
    return gpu;
  };
  let closed = false;
  return {
    mode: 'process',
    ranks: o.world,
    local: [o.rank],
    rank: o.rank,
    peers,
    failed: mesh.failed,
    remote: remoteLink(o.rank, gpu, mesh, new EmulatedLink(o.link), pool),
    gpu: gpuOf,
    send(from: number, to: number): Promise<TransferRecord> {
      return Promise.reject(new RangeError(`process transport: ${from} -> ${to} is not a transfer within one process`));
    },
    stagingBytes: (rank) => (rank === o.rank ? pool.peak : 0),
    async close(reason?: string) {
      if (closed) return;
      closed = true;
      await mesh.close(reason);
      if (!reason && o.rank === 0) await clearRendezvous(o.rendezvous, o.runId).catch(() => {});
      pool.destroy();
      gpu.destroy();
    },
    destroy() {
      void this.close();
    },
  };
}
