// The transport a run asks for: shared (every rank on one device), isolated (one device per rank,
// transfers staged through host memory), or process (this process is one rank of a run whose
// other ranks are other processes, joined through a Redis rendezvous).
import { openGpu, type AdapterChoice, type Gpu } from '../kernels/index.ts';
import {
  createSharedTransport,
  openIsolatedTransport,
  openProcessTransport,
  type ProcessJoin,
  type RingTransport,
  type TransportMode,
} from '../ring/index.ts';

export interface OpenedTransport {
  readonly transport: RingTransport;
  /** The device of this process's first rank (calibration, adapter name). */
  readonly gpu: Gpu;
  /** Frees the devices; a process rank says goodbye to the others first (naming `error` if it failed). */
  close(error?: unknown): Promise<void>;
}

/**
 * Opens the transport the run asks for. `process` with `join` makes this process that rank; without
 * it (one process, e.g. bench forecast of a process run) the ranks run on isolated devices, which
 * is the same arithmetic per rank.
 */
export async function openTransport(
  mode: TransportMode,
  ranks: number,
  adapter: AdapterChoice,
  join?: ProcessJoin,
): Promise<OpenedTransport> {
  if (mode === 'process' && join) {
    const transport = await openProcessTransport({ ...join, adapter });
    return {
      transport,
      gpu: transport.gpu(join.rank),
      close: (error) => transport.close(error === undefined ? undefined : errorText(error)),
    };
  }
  if (mode === 'isolated' || mode === 'process') {
    const transport = await openIsolatedTransport(ranks, { adapter });
    return { transport, gpu: transport.gpu(0), close: async () => transport.destroy() };
  }
  const gpu = await openGpu(adapter);
  return { transport: createSharedTransport(gpu, ranks), gpu, close: async () => gpu.destroy() };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
