// Timing for `bench ring`: ring and single-device runs alternate (ring, single, ring, single, …)
// so that load from other processes hits both alike, and overhead is also taken per pair.
import { median } from '../../core/index.ts';

/** Milliseconds of repeated runs: median and spread. */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

export function timingOf(times: readonly number[]): Timing {
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), runs: times.length };
}

export interface Alternated {
  /** Wall-clock ms per timed round. */
  readonly ring: number[];
  readonly single: number[];
  /** Process CPU ms (user + system, all threads) per timed round. On a CPU adapter (llvmpipe)
   *  this is the work itself and is far less disturbed by other processes than wall time. */
  readonly ringCpu: number[];
  readonly singleCpu: number[];
}

/** Runs `run` and returns [its result, process CPU ms it took]. */
async function withCpu(run: () => Promise<number>): Promise<[number, number]> {
  const before = process.cpuUsage();
  const wall = await run();
  const used = process.cpuUsage(before);
  return [wall, (used.user + used.system) / 1e3];
}

/** Runs `warmup` untimed then `reps` timed rounds; each round runs the ring, then (if given) the single device. */
export async function alternate(
  label: string,
  counts: { readonly warmup: number; readonly reps: number },
  ring: () => Promise<number>,
  single: (() => Promise<number>) | undefined,
  progress: (line: string) => void,
): Promise<Alternated> {
  const out: Alternated = { ring: [], single: [], ringCpu: [], singleCpu: [] };
  for (let i = 0; i < counts.warmup + counts.reps; i++) {
    const timed = i >= counts.warmup;
    const tag = timed ? `run ${i - counts.warmup + 1}/${counts.reps}` : `warm-up ${i + 1}/${counts.warmup}`;
    const [r, rCpu] = await withCpu(ring);
    const s = single ? await withCpu(single) : undefined;
    progress(
      `${label} ${tag}: ring ${r.toFixed(0)} ms (cpu ${rCpu.toFixed(0)} ` +
        `ms)${s ? `, single device ${s[0].toFixed(0)} ms (cpu ${s[1].toFixed(0)} ms)` : ''}`,
    );
    if (!timed) continue;
    out.ring.push(r);
    out.ringCpu.push(rCpu);
    if (s) {
      out.single.push(s[0]);
      out.singleCpu.push(s[1]);
    }
  }
  return out;
}

/** Overhead in percent: ratio of medians, and the median of per-round ratios. */
export function overheadOf(
  ring: readonly number[],
  single: readonly number[],
): { readonly ofMedians: number; readonly paired: number } {
  const paired = ring.map((r, i) => r / (single[i] ?? Number.NaN) - 1);
  return { ofMedians: (median(ring) / median(single) - 1) * 100, paired: median(paired) * 100 };
}
