// Shared-device transport: every rank's buffers live on one GPUDevice, and a transfer is a
// copyBufferToBuffer inside it (the cheapest possible link; shows the coordinator's own cost).
import type { Gpu } from '../kernels/index.ts';
import { allRanks, transferBytes, type RingTransport, type TransferPart, type TransferRecord } from './transport.ts';

export function createSharedTransport(gpu: Gpu, ranks: number): RingTransport {
  return {
    mode: 'shared',
    ranks,
    local: allRanks(ranks),
    gpu: () => gpu,
    send(from: number, to: number, parts: readonly TransferPart[]): Promise<TransferRecord> {
      const startMs = performance.now();
      const encoder = gpu.device.createCommandEncoder({ label: `ring send ${from}->${to}` });
      for (const p of parts) encoder.copyBufferToBuffer(p.src, 0, p.dst, 0, p.bytes);
      gpu.device.queue.submit([encoder.finish()]);
      // Called before the caller submits more work, so it resolves when this copy is done.
      const done = gpu.device.queue.onSubmittedWorkDone();
      return done.then(() => ({ from, to, bytes: transferBytes(parts), startMs, endMs: performance.now() }));
    },
    stagingBytes: () => 0,
    destroy() {
      // The device belongs to the caller.
    },
  };
}
