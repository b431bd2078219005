// How one training or evaluation pass is recorded across the ranks: on a shared device everything
// (per-token layers, ring passes, the gradient all-reduce, the optimiser) goes into one encoder and
// one submit; on isolated devices each device records its own encoder, submitted before every
// cross-rank operation (ring passes and the all-reduce step through the transport).
import type { GradientCollective, RingAttention, RingBackwardIO, RingForwardIO, StepRecord } from '../ring/index.ts';

export interface StepRecorder {
  /** The encoder rank `rank`'s per-token work goes into now. */
  encoder(rank: number): GPUCommandEncoder;
  attentionForward(io: readonly RingForwardIO[]): Promise<void>;
  attentionBackward(io: readonly RingBackwardIO[]): Promise<void>;
  allReduce(buffers: readonly GPUBuffer[], count: number): Promise<void>;
  /** Submits what is pending and waits for the devices; returns the ring log of the pass. */
  finish(): Promise<StepRecord[]>;
  /** Queue submits this recorder made (one per device per segment). */
  readonly submits: number;
}

export function createStepRecorder(
  ring: RingAttention,
  collective: GradientCollective,
  devices: readonly GPUDevice[],
): StepRecorder {
  return ring.recordable && collective.recordable
    ? sharedRecorder(ring, collective, devices)
    : isolatedRecorder(ring, collective, devices);
}

function deviceAt(devices: readonly GPUDevice[], rank: number): GPUDevice {
  const d = devices[rank];
  if (!d) throw new Error(`no device for rank ${rank}`);
  return d;
}

function sharedRecorder(
  ring: RingAttention,
  collective: GradientCollective,
  devices: readonly GPUDevice[],
): StepRecorder {
  const device = deviceAt(devices, 0);
  const encoder = device.createCommandEncoder({ label: 'train step' });
  const passes: { log(interval: { startMs: number; endMs: number }): StepRecord[] }[] = [];
  const startMs = performance.now();
  let submits = 0;
  return {
    encoder: () => encoder,
    async attentionForward(io) {
      passes.push(ring.encodeForward(encoder, io));
    },
    async attentionBackward(io) {
      passes.push(ring.encodeBackward(encoder, io));
    },
    async allReduce(buffers, count) {
      collective.encodeAllReduce(encoder, buffers, count);
    },
    async finish() {
      device.queue.submit([encoder.finish()]);
      submits++;
      await device.queue.onSubmittedWorkDone();
      const interval = { startMs, endMs: performance.now() };
      return passes.flatMap((p) => p.log(interval));
    },
    get submits() {
      return submits;
    },
  };
}

function isolatedRecorder(
  ring: RingAttention,
  collective: GradientCollective,
  devices: readonly GPUDevice[],
): StepRecorder {
  const open = new Map<number, GPUCommandEncoder>();
  const log: StepRecord[] = [];
  let submits = 0;
  const flush = (): void => {
    for (const [rank, encoder] of open) {
      deviceAt(devices, rank).queue.submit([encoder.finish()]);
      submits++;
    }
    open.clear();
  };
  return {
    encoder(rank) {
      let e = open.get(rank);
      if (!e) {
        e = deviceAt(devices, rank).createCommandEncoder({ label: `train rank ${rank}` });
        open.set(rank, e);
      }
      return e;
    },
    async attentionForward(io) {
      flush();
      log.push(...(await ring.forwardOn(io)));
    },
    async attentionBackward(io) {
      flush();
      log.push(...(await ring.backwardOn(io)));
    },
    async allReduce(buffers, count) {
      flush();
      await collective.allReduce(buffers, count);
    },
    async finish() {
      flush();
      await Promise.all([...new Set(devices)].map((d) => d.queue.onSubmittedWorkDone()));
      return log;
    },
    get submits() {
      return submits;
    },
  };
}
