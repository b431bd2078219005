// Every layout gives each position to exactly one rank, pads with PAD_POSITION, keeps zigzag's
// chunk pairing (i, 2R−1−i), and shard → gather is the identity.
import { describe, expect, it } from 'vitest';
import { seededF32 } from '../../src/core/index.ts';
import { gatherRows, PAD_POSITION, planLayout, RING_LAYOUTS, shardRows } from '../../src/ring/index.ts';

const SHAPES: readonly [number, number][] = [
  [48, 4],
  [37, 4],
  [8760, 4],
  [8760, 8],
  [5, 4],
  [7, 3],
  [1, 1],
];

describe('ring layouts', () => {
  for (const kind of RING_LAYOUTS) {
    it.each(SHAPES)(`${kind}: T=%i R=%i covers each position once, pads the rest`, (T, R) => {
      const layout = planLayout(kind, T, R);
      const seen = new Uint8Array(T);
      let pads = 0;
      for (const rank of layout.segments) {
        for (const seg of rank) {
          expect(seg.rows).toBe(layout.segmentRows);
          seg.positions.forEach((p, j) => {
            if (p === PAD_POSITION) {
              pads++;
              expect(j, 'pad rows form the tail of a segment').toBeGreaterThanOrEqual(seg.validRows);
            } else {
              expect(p).toBeLessThan(T);
              seen[p] = (seen[p] ?? 0) + 1;
            }
          });
        }
      }
      expect([...seen].every((c) => c === 1)).toBe(true);
      expect(pads).toBe(R * layout.segmentsPerRank * layout.segmentRows - T);
    });
  }

  it('zigzag: rank i holds chunks i and 2R−1−i of ceil(T/2R) rows', () => {
    const layout = planLayout('zigzag', 8760, 4);
    expect(layout.segmentRows).toBe(1095);
    const firsts = layout.segments.map((segs) => segs.map((s) => s.positions[0]));
    expect(firsts).toEqual([
      [0, 7 * 1095],
      [1095, 6 * 1095],
      [2 * 1095, 5 * 1095],
      [3 * 1095, 4 * 1095],
    ]);
  });

  it('zigzag pads when T is not divisible by 2R (8760 with R=8: 548-row chunks)', () => {
    const layout = planLayout('zigzag', 8760, 8);
    expect(layout.segmentRows).toBe(548);
    const last = layout.segments[0]?.[1];
    expect(last?.validRows).toBe(8760 - 15 * 548);
    expect(last?.positions[547]).toBe(PAD_POSITION);
  });

  it('striped: rank i holds rows i, i+R, i+2R, …', () => {
    const layout = planLayout('striped', 10, 4);
    expect(Array.from(layout.segments[1]?.[0]?.positions ?? [])).toEqual([1, 5, 9]);
    expect(Array.from(layout.segments[3]?.[0]?.positions ?? [])).toEqual([3, 7, PAD_POSITION]);
  });

  for (const kind of RING_LAYOUTS) {
    it(`${kind}: gatherRows(shardRows(x)) = x and pad rows are zero`, () => {
      const T = 37;
      const width = 6;
      const layout = planLayout(kind, T, 4);
      const x = seededF32(T * width, 5);
      const parts = shardRows(layout, x, width);
      for (const [r, rank] of layout.segments.entries()) {
        for (const [s, seg] of rank.entries()) {
          const tail = parts[r]?.[s]?.subarray(seg.validRows * width) ?? new Float32Array();
          expect(tail.every((v) => v === 0)).toBe(true);
        }
      }
      expect(Array.from(gatherRows(layout, parts, width))).toEqual(Array.from(x));
    });
  }
});
