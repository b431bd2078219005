// The interface every ring transport implements: which device a rank computes on, and async
// block transfers between ranks. The coordinator talks only to this, so a worker-thread or
// multi-process transport can slot in without changing it.
import type { Gpu } from '../kernels/index.ts';

export const TRANSPORT_MODES = ['shared', 'isolated'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

/** One buffer-to-buffer piece of a transfer (whole-buffer prefix of `bytes`, a multiple of 4). */
export interface TransferPart {
  readonly src: GPUBuffer; // on the sender's device
  readonly dst: GPUBuffer; // on the receiver's device
  readonly bytes: number;
}

/** What one finished transfer cost; times are performance.now() milliseconds on the host. */
export interface TransferRecord {
  readonly from: number;
  readonly to: number;
  readonly bytes: number;
  readonly startMs: number;
  /** When the receiver's buffers hold the data (work it submits afterwards sees it). */
  readonly endMs: number;
}

/** A simulated interconnect: each transfer takes at least latency + bytes / bandwidth. */
export interface LinkShape {
  readonly bandwidthGBps?: number; // 1e9 bytes per second
  readonly latencyUs?: number;
}

export interface RingTransport {
  readonly mode: TransportMode;
  readonly ranks: number;
  /** The device rank `rank` computes on (the same Gpu for every rank in shared mode). */
  gpu(rank: number): Gpu;
  /**
   * Moves `parts` from rank `from` to rank `to`. Work submitted on `from` before the call is
   * ordered before the read; the promise resolves once work that `to` submits afterwards sees the
   * data. Several sends may be in flight at once.
   */
  send(from: number, to: number, parts: readonly TransferPart[]): Promise<TransferRecord>;
  /** Peak bytes of staging buffers the transport allocated on rank `rank`'s device. */
  stagingBytes(rank: number): number;
  /** Frees staging buffers, and the devices if the transport opened them. */
  destroy(): void;
}

/** Sum of the parts' bytes. */
export function transferBytes(parts: readonly TransferPart[]): number {
  return parts.reduce((sum, p) => sum + p.bytes, 0);
}

/** Milliseconds a transfer of `bytes` must take on `link` at least (0 when unshaped). */
export function linkMinimumMs(link: LinkShape | undefined, bytes: number): number {
  if (!link) return 0;
  const latency = (link.latencyUs ?? 0) / 1e3;
  const wire = link.bandwidthGBps ? bytes / (link.bandwidthGBps * 1e6) : 0;
  return latency + wire;
}
