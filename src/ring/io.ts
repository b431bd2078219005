// Host ↔ ranks: scatters a `[T, width]` host tensor into each rank's buffer in layout order, and
// gathers rank buffers back into one host tensor (pad rows dropped).
import { readF32, ShapeError } from '../kernels/index.ts';
import { gatherRows, shardRows, type RingLayout } from './layout.ts';
import type { RankRuntime } from './rank.ts';

/** Writes `data` ([T, width]) to `pick(rank)` on every rank; `shape` names the expected shape. */
export function scatterToRanks(
  ranks: readonly RankRuntime[],
  layout: RingLayout,
  input: { readonly name: string; readonly data: Float32Array; readonly width: number; readonly shape: string },
  pick: (rt: RankRuntime) => GPUBuffer,
): void {
  const { name, data, width, shape } = input;
  if (data.length !== layout.seqLen * width) {
    throw new ShapeError(
      `ring attention: ${name} has ${data.length} values, expected ${shape} = ${layout.seqLen * width}`,
    );
  }
  const shards = shardRows(layout, data, width);
  for (const rt of ranks) {
    const segs = shards[rt.rank];
    if (segs) rt.gpu.device.queue.writeBuffer(pick(rt), 0, concat(segs));
  }
}

/** Writes each rank's row positions (PAD_POSITION for pad rows) to its home position buffer. */
export function writePositions(ranks: readonly RankRuntime[], layout: RingLayout): void {
  for (const rt of ranks) {
    const segs = layout.segments[rt.rank] ?? [];
    const out = new Uint32Array(segs.reduce((n, s) => n + s.rows, 0));
    let offset = 0;
    for (const s of segs) {
      out.set(s.positions, offset);
      offset += s.rows;
    }
    rt.gpu.device.queue.writeBuffer(rt.pos, 0, out);
  }
}

/** Reads `pick(rank)` ([rows, width] per rank) from every rank into one `[T, width]` tensor. */
export async function gatherFromRanks(
  ranks: readonly RankRuntime[],
  layout: RingLayout,
  width: number,
  pick: (rt: RankRuntime) => GPUBuffer,
): Promise<Float32Array> {
  const segment = layout.segmentRows * width;
  const parts = await Promise.all(
    ranks.map(async (rt) => {
      const data = await readF32(rt.gpu, pick(rt), rt.rows * width);
      return Array.from({ length: layout.segmentsPerRank }, (_, s) => data.subarray(s * segment, (s + 1) * segment));
    }),
  );
  return gatherRows(layout, parts, width);
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
