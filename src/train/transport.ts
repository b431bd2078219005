// The transport a run asks for: shared (every rank on one device) or isolated (one device per
// rank, transfers staged through host memory).
import { openGpu, type AdapterChoice, type Gpu } from '../kernels/index.ts';
import { createSharedTransport, openIsolatedTransport, type RingTransport, type TransportMode } from '../ring/index.ts';

/** Opens the transport the run asks for (shared: one device; isolated: one per rank). */
export async function openTransport(
  mode: TransportMode,
  ranks: number,
  adapter: AdapterChoice,
): Promise<{ transport: RingTransport; gpu: Gpu; close(): void }> {
  if (mode === 'isolated') {
    const transport = await openIsolatedTransport(ranks, { adapter });
    return { transport, gpu: transport.gpu(0), close: () => transport.destroy() };
  }
  const gpu = await openGpu(adapter);
  return { transport: createSharedTransport(gpu, ranks), gpu, close: () => gpu.destroy() };
}
