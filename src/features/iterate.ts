// Measures a pass over every window of a store: time, and the bytes allocated while iterating
// (ArrayBuffer bytes must not grow: windows are views, never copies).
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SPLIT_NAMES } from './splits.ts';
import type { FeatureStore } from './store.ts';

export interface IterationReport {
  readonly windows: number;
  readonly seconds: number;
  readonly windowsPerSecond: number;
  /** Growth of process.memoryUsage().arrayBuffers over the pass (0 when no window is copied). */
  readonly arrayBufferBytesAllocated: number;
  /** Growth of the JS heap over the pass (the small view objects; GC may make it negative). */
  readonly heapBytesDelta: number;
  /** What copying every window's inputs and targets would have allocated. */
  readonly bytesIfCopied: number;
  /** Windows whose inputs were not a view into their respondent's feature buffer (must be 0). */
  readonly copiedWindows: number;
}

/**
 * A full garbage collection, so the memory deltas below count only the pass itself (garbage from
 * the build would otherwise be freed mid-pass and show as negative growth). Node's documented
 * way to reach gc() at run time without starting node with --expose-gc.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') gc();
}

export function measureWindowIteration(store: FeatureStore): IterationReport {
  const buffers = new Map(store.respondents.map((r) => [r.code, r.features.buffer]));
  collectGarbage();
  const before = process.memoryUsage();
  const t0 = performance.now();
  let windows = 0;
  let copied = 0;
  let bytes = 0;
  let checksum = 0;
  for (const split of SPLIT_NAMES) {
    for (const w of store.windows(split)) {
      windows++;
      if (w.inputs.buffer !== buffers.get(w.respondent)) copied++;
      bytes += w.inputs.byteLength + w.target.byteLength + w.targetRaw.byteLength;
      // Touch both ends so the pass reads real data, as a trainer's upload would.
      checksum += (w.inputs[0] ?? 0) + (w.inputs[w.inputs.length - 1] ?? 0) + (w.target[0] ?? 0);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = process.memoryUsage();
  if (Number.isNaN(checksum)) copied = -1; // keeps the reads observable; the store holds no NaN inputs
  return {
    windows,
    seconds,
    windowsPerSecond: windows / seconds,
    // Growth only: a collection during the pass may free buffers allocated before it (the store's
    // build), which makes the difference negative without saying anything about the pass.
    arrayBufferBytesAllocated: Math.max(0, after.arrayBuffers - before.arrayBuffers),
    heapBytesDelta: after.heapUsed - before.heapUsed,
    bytesIfCopied: bytes,
    copiedWindows: copied,
  };
}
