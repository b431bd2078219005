// Per-request randomness of the simulated server: which fault (if any) a request gets and how long
// it takes, drawn from the seed and the request's sequence number so a run is reproducible.
import { Stream, gauss, uniform } from './noise.ts';
import { FAULT_KINDS, type FaultKind } from './options.ts';

/** One uniform draw per request, split into the fault probabilities in FAULT_KINDS order. */
export function pickFault(seed: number, n: number, rates: Readonly<Record<FaultKind, number>>): FaultKind | undefined {
  let u = uniform(seed, Stream.fault, 0, n);
  for (const kind of FAULT_KINDS) {
    u -= rates[kind];
    if (u < 0) return kind;
  }
  return undefined;
}

/** A second draw for the variant of a fault (502 vs 503, chunked vs declared-length truncation). */
export function faultVariant(seed: number, n: number): 0 | 1 {
  return uniform(seed, Stream.faultVariant, 0, n) < 0.5 ? 0 : 1;
}

/**
 * Response time in ms: log-normal (σ = 0.4 in log space) with median `medianMs` for a full page,
 * 15% less for an empty one, divided by the time scale.
 */
export function latencyMs(seed: number, n: number, medianMs: number, rows: number, timeScale: number): number {
  if (medianMs === 0) return 0;
  const size = 0.85 + (0.15 * Math.min(rows, 5000)) / 5000;
  return (medianMs * size * Math.exp(0.4 * gauss(seed, Stream.latency, 0, n))) / timeScale;
}

/** How long a stalled request hangs before its socket is closed. */
export function stallMs(timeScale: number): number {
  return 120_000 / timeScale;
}
