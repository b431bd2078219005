// Reuses GPU buffers by size class so repeated steps (training, ring rotations) stop allocating:
// acquire() hands out a free buffer of the same usage and class, release() returns it.
import { STORAGE_USAGE } from './usage.ts';

/** The usage of every pooled tensor buffer (STORAGE | COPY_SRC | COPY_DST). */
export const POOL_STORAGE_USAGE = STORAGE_USAGE;

/**
 * Size classes: 256 B, then four steps per power of two (1, 1.25, 1.5, 1.75 × 2^k), so a reused
 * buffer wastes at most 25 % and a step's buffers fall into few classes.
 */
export function sizeClass(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`buffer size ${bytes} is not a byte count`);
  if (bytes <= 256) return 256;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const step = pow / 4;
  return Math.ceil(bytes / step) * step;
}

export interface PoolStats {
  /** Bytes of every buffer the pool created and still holds (in use + free). */
  readonly allocatedBytes: number;
  /** Bytes handed out and not yet released. */
  readonly inUseBytes: number;
  /** Largest inUseBytes seen since creation or resetPeak(). */
  readonly peakInUseBytes: number;
  readonly buffersCreated: number;
  /** acquire() calls answered with a free buffer instead of a new one. */
  readonly reuses: number;
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly owned = new Map<GPUBuffer, { key: string; inUse: boolean }>();
  private allocated = 0;
  private inUse = 0;
  private peak = 0;
  private created = 0;
  private reused = 0;

  constructor(private readonly device: GPUDevice) {}

  /** A buffer of at least `bytes` (its `size` is the class size) with `usage`; contents undefined. */
  acquire(bytes: number, usage: number = POOL_STORAGE_USAGE, label = 'pooled'): GPUBuffer {
    const size = sizeClass(bytes);
    const key = `${usage}:${size}`;
    let buffer = this.free.get(key)?.pop();
    if (buffer) {
      this.reused++;
    } else {
      buffer = this.device.createBuffer({ label, size, usage });
      this.allocated += size;
      this.created++;
    }
    this.owned.set(buffer, { key, inUse: true });
    this.inUse += size;
    this.peak = Math.max(this.peak, this.inUse);
    return buffer;
  }

  /** Returns a buffer from acquire() for reuse. Releasing twice or a foreign buffer is a bug: throws. */
  release(buffer: GPUBuffer): void {
    const entry = this.owned.get(buffer);
    if (!entry) throw new Error(`release(): buffer '${buffer.label}' does not belong to this pool`);
    if (!entry.inUse) throw new Error(`release(): buffer '${buffer.label}' was already released`);
    entry.inUse = false;
    this.inUse -= buffer.size;
    const list = this.free.get(entry.key) ?? [];
    list.push(buffer);
    this.free.set(entry.key, list);
  }

  /** Destroys the free buffers (in-use ones stay valid) and returns the bytes given back. */
  trim(): number {
    let bytes = 0;
    for (const list of this.free.values()) {
      for (const buffer of list) {
        bytes += buffer.size;
        this.owned.delete(buffer);
        buffer.destroy();
      }
    }
    this.free.clear();
    this.allocated -= bytes;
    return bytes;
  }

  stats(): PoolStats {
    return {
      allocatedBytes: this.allocated,
      inUseBytes: this.inUse,
      peakInUseBytes: this.peak,
      buffersCreated: this.created,
      reuses: this.reused,
    };
  }

  resetPeak(): void {
    this.peak = this.inUse;
  }

  /** Destroys every buffer the pool created, in use or not. */
  destroy(): void {
    for (const buffer of this.owned.keys()) buffer.destroy();
    this.owned.clear();
    this.free.clear();
    this.allocated = 0;
    this.inUse = 0;
  }
}
