// Times GPU work: `timestamp-query` around the encoded commands where the adapter has it, else
// wall time from submit to onSubmittedWorkDone (which also counts submit and wake-up latency).
import type { Gpu } from './device.ts';
import { BufferUsage, MapMode, READBACK_USAGE } from './usage.ts';

export type TimingMethod = 'timestamp-query' | 'wall';

export interface GpuTimer {
  readonly method: TimingMethod;
  /**
   * Records `encode` into a fresh command encoder, submits it, waits for the GPU and returns the
   * elapsed time in seconds (GPU clock with timestamps; host clock otherwise).
   */
  time(encode: (encoder: GPUCommandEncoder) => void): Promise<number>;
  destroy(): void;
}

/** A timer for `gpu`; `prefer: 'wall'` forces the host clock even where timestamps exist. */
export function createGpuTimer(gpu: Gpu, prefer: TimingMethod = 'timestamp-query'): GpuTimer {
  return gpu.hasTimestamps && prefer === 'timestamp-query' ? new TimestampTimer(gpu.device) : new WallTimer(gpu.device);
}

/** Seconds taken by `run` on the host clock (for bodies that submit and wait themselves). */
export async function wallSeconds(run: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) / 1e3;
}

class WallTimer implements GpuTimer {
  readonly method = 'wall';
  constructor(private readonly device: GPUDevice) {}

  time(encode: (encoder: GPUCommandEncoder) => void): Promise<number> {
    return wallSeconds(async () => {
      const encoder = this.device.createCommandEncoder();
      encode(encoder);
      this.device.queue.submit([encoder.finish()]);
      await this.device.queue.onSubmittedWorkDone();
    });
  }

  destroy(): void {}
}

/**
 * Brackets the work with two empty compute passes whose timestamp writes mark its start and end;
 * that works for any mix of passes and copies the caller records. Exact to the GPU's clock only
 * with Dawn's timestamp quantisation off (device.ts turns it off).
 */
class TimestampTimer implements GpuTimer {
  readonly method = 'timestamp-query';
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;
  private readonly readback: GPUBuffer;

  constructor(private readonly device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
    this.resolve = device.createBuffer({ size: 16, usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC });
    this.readback = device.createBuffer({ size: 16, usage: READBACK_USAGE });
  }

  async time(encode: (encoder: GPUCommandEncoder) => void): Promise<number> {
    const encoder = this.device.createCommandEncoder();
    encoder.beginComputePass({ timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 0 } }).end();
    encode(encoder);
    encoder.beginComputePass({ timestampWrites: { querySet: this.querySet, endOfPassWriteIndex: 1 } }).end();
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
    encoder.copyBufferToBuffer(this.resolve, 0, this.readback, 0, 16);
    this.device.queue.submit([encoder.finish()]);
    await this.readback.mapAsync(MapMode.READ);
    const [start = 0n, end = 0n] = new BigUint64Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    return Number(end - start) / 1e9;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
    this.readback.destroy();
  }
}
