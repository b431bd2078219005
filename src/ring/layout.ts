// Which sequence rows each ring rank holds: contiguous, zigzag and striped layouts, padded to
// equal-size segments (pad rows carry PAD_POSITION and are masked as query and as key).
import { UsageError } from '../core/index.ts';
import { PAD_POSITION } from './positions.ts';

export const RING_LAYOUTS = ['contiguous', 'zigzag', 'striped'] as const;
export type RingLayoutKind = (typeof RING_LAYOUTS)[number];

/** A run of rows one rank holds in one set of buffers (the unit the block API sees). */
export interface RingSegment {
  /** Absolute sequence position per row; PAD_POSITION for pad rows (always a tail run). */
  readonly positions: Uint32Array;
  readonly rows: number;
  /** Rows that are not padding (the first `validRows` rows). */
  readonly validRows: number;
  /** Smallest / largest valid position; +Infinity / -Infinity when every row is padding. */
  readonly minPosition: number;
  readonly maxPosition: number;
}

export interface RingLayout {
  readonly kind: RingLayoutKind;
  readonly seqLen: number;
  readonly ranks: number;
  /** Rows in every segment (each layout uses equal segments so blocks fit fixed buffers). */
  readonly segmentRows: number;
  readonly segmentsPerRank: number;
  /** segments[rank][s]: the rows rank `rank` holds. */
  readonly segments: readonly (readonly RingSegment[])[];
}

export function isRingLayoutKind(value: string): value is RingLayoutKind {
  return (RING_LAYOUTS as readonly string[]).includes(value);
}

/** What the shape errors call each value: config field names by default, CLI flags from the CLI. */
export interface RingShapeNames {
  readonly seqLen: string;
  readonly ranks: string;
  readonly layout: string;
}

export const RING_CONFIG_NAMES: RingShapeNames = {
  seqLen: 'RingConfig.seqLen',
  ranks: 'RingConfig.ranks',
  layout: 'RingConfig.layout',
};

/** Checks ranks, length and layout; errors name them as `names` says. */
export function validateRingShape(
  seqLen: number,
  ranks: number,
  kind: string,
  names: RingShapeNames = RING_CONFIG_NAMES,
): RingLayoutKind {
  if (!Number.isInteger(seqLen) || seqLen < 1) {
    throw new UsageError('RING_SEQ_LEN', `${names.seqLen} must be a positive integer, got ${seqLen}`);
  }
  if (!Number.isInteger(ranks) || ranks < 1) {
    throw new UsageError('RING_RANKS', `${names.ranks} must be a positive integer, got ${ranks}`);
  }
  if (ranks > seqLen) {
    throw new UsageError(
      'RING_RANKS',
      `${names.ranks} ${ranks} is larger than ${names.seqLen} ${seqLen}: every rank needs at least one row; use ` +
        `${names.ranks} <= ${seqLen}`,
    );
  }
  if (!isRingLayoutKind(kind)) {
    throw new UsageError(
      'RING_LAYOUT',
      `${names.layout} '${kind}' is unknown; expected one of ${RING_LAYOUTS.join(', ')}`,
    );
  }
  return kind;
}

function segmentOf(positions: Uint32Array): RingSegment {
  let validRows = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of positions) {
    if (p === PAD_POSITION) continue;
    validRows++;
    min = Math.min(min, p);
    max = Math.max(max, p);
  }
  return { positions, rows: positions.length, validRows, minPosition: min, maxPosition: max };
}

/** Rows [start, start + rows) of the sequence, padded past seqLen. */
function runSegment(start: number, rows: number, seqLen: number): RingSegment {
  const positions = new Uint32Array(rows);
  for (let j = 0; j < rows; j++) positions[j] = start + j < seqLen ? start + j : PAD_POSITION;
  return segmentOf(positions);
}

/** Rows first, first + stride, … (rows of them), padded past seqLen. */
function stridedSegment(first: number, stride: number, rows: number, seqLen: number): RingSegment {
  const positions = new Uint32Array(rows);
  for (let j = 0; j < rows; j++) {
    const p = first + j * stride;
    positions[j] = p < seqLen ? p : PAD_POSITION;
  }
  return segmentOf(positions);
}

/**
 * contiguous: R chunks of ceil(T/R) rows, rank i holds chunk i.
 * zigzag: 2R chunks of ceil(T/2R) rows, rank i holds chunks i and 2R−1−i (balances causal work;
 *   Brandon et al. 2023, "Striped Attention", and the zigzag variant of ring-flash-attention).
 * striped: rank i holds rows i, i+R, i+2R, … (ceil(T/R) rows).
 */
export function planLayout(kind: RingLayoutKind, seqLen: number, ranks: number): RingLayout {
  validateRingShape(seqLen, ranks, kind);
  const segments: RingSegment[][] = [];
  let segmentRows: number;
  if (kind === 'zigzag') {
    segmentRows = Math.ceil(seqLen / (2 * ranks));
    for (let r = 0; r < ranks; r++) {
      segments.push([
        runSegment(r * segmentRows, segmentRows, seqLen),
        runSegment((2 * ranks - 1 - r) * segmentRows, segmentRows, seqLen),
      ]);
    }
  } else if (kind === 'striped') {
    segmentRows = Math.ceil(seqLen / ranks);
    for (let r = 0; r < ranks; r++) segments.push([stridedSegment(r, ranks, segmentRows, seqLen)]);
  } else {
    segmentRows = Math.ceil(seqLen / ranks);
    for (let r = 0; r < ranks; r++) segments.push([runSegment(r * segmentRows, segmentRows, seqLen)]);
  }
  return { kind, seqLen, ranks, segmentRows, segmentsPerRank: segments[0]?.length ?? 0, segments };
}

/** Rows of the whole layout including padding (ranks × segments × segmentRows). */
export function paddedLength(layout: RingLayout): number {
  return layout.ranks * layout.segmentsPerRank * layout.segmentRows;
}

/** Copies each segment's rows out of `data` ([T, width] row-major); pad rows are zero. */
export function shardRows(layout: RingLayout, data: Float32Array, width: number): Float32Array[][] {
  return layout.segments.map((rank) =>
    rank.map((seg) => {
      const out = new Float32Array(seg.rows * width);
      for (let j = 0; j < seg.validRows; j++) {
        const p = seg.positions[j] ?? 0;
        out.set(data.subarray(p * width, (p + 1) * width), j * width);
      }
      return out;
    }),
  );
}

/** Inverse of shardRows: writes each segment's valid rows back to their positions ([T, width]). */
export function gatherRows(
  layout: RingLayout,
  parts: readonly (readonly Float32Array[])[],
  width: number,
): Float32Array {
  const out = new Float32Array(layout.seqLen * width);
  for (const [r, rank] of layout.segments.entries()) {
    for (const [s, seg] of rank.entries()) {
      const part = parts[r]?.[s];
      if (!part) throw new Error(`gatherRows: missing part for rank ${r} segment ${s}`);
      for (let j = 0; j < seg.validRows; j++) {
        const p = seg.positions[j] ?? 0;
        out.set(part.subarray(j * width, (j + 1) * width), p * width);
      }
    }
  }
  return out;
}
