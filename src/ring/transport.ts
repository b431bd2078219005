// The interface every ring transport implements: which ranks this process computes, the device
// each of them computes on, and async block transfers between ranks. The coordinator talks only to
// this: in-process transports hold every rank; the process transport holds one and reaches the
// others through `remote` (each side of a transfer posts its own half).
import type { Gpu } from '../kernels/index.ts';

export const TRANSPORT_MODES = ['shared', 'isolated', 'process'] as const;
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

/** One buffer of a transfer's sending or receiving half (whole-buffer prefix of `bytes`). */
export interface BlockPart {
  readonly buffer: GPUBuffer;
  readonly bytes: number;
}

/**
 * Transfers whose other end is in another process. Both ends post their half, in the same order
 * per (from, to) pair (the ring's schedule is the same program on every rank), so a message needs
 * no address beyond its pair.
 */
export interface RemoteLink {
  /** Sends `parts` of local rank `from` to remote rank `to`; work submitted before is ordered before the read. */
  send(from: number, to: number, parts: readonly BlockPart[]): Promise<TransferRecord>;
  /**
   * Receives the next block from remote rank `from` into local rank `to`'s `parts`; resolves once
   * work submitted afterwards sees it.
   */
  receive(from: number, to: number, parts: readonly BlockPart[]): Promise<TransferRecord>;
}

export interface RingTransport {
  readonly mode: TransportMode;
  readonly ranks: number;
  /** The ranks this process computes, ascending (every rank for in-process transports). */
  readonly local: readonly number[];
  /** Transfers to and from ranks of other processes (absent when every rank is local). */
  readonly remote?: RemoteLink;
  /** The device local rank `rank` computes on (the same Gpu for every rank in shared mode). */
  gpu(rank: number): Gpu;
  /**
   * Moves `parts` from local rank `from` to local rank `to`. Work submitted on `from` before the call is
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

/** 0..ranks−1: the `local` of a transport that holds every rank. */
export function allRanks(ranks: number): number[] {
  return Array.from({ length: ranks }, (_, r) => r);
}
