// Records the attention dispatches (fold, finalize, backward prep, backward block) into a
// caller's command encoder, after checking every buffer against the shapes it must hold.
import type { Gpu } from '../runtime/device.ts';
import type { BackwardBlockArgs, BackwardPrepArgs, FinalizeArgs, FoldArgs } from './attention-types.ts';
import { ShapeError } from '../runtime/errors.ts';
import { encodePass } from '../runtime/op-support.ts';
import type { AttentionPipelines, PassRows } from './attention-pipelines.ts';
import { checkBuffer, checkRows, type AttentionLimits } from './attention-shapes.ts';

type Bindings = Readonly<Record<number, GPUBuffer>>;

/** One dispatch in a pass of its own (each attention step is ordered after the previous one's writes). */
function dispatch(
  gpu: Gpu,
  encoder: GPUCommandEncoder,
  label: string,
  pipeline: GPUComputePipeline,
  bindings: Bindings,
  x: number,
  y: number,
): void {
  const pairs = Object.entries(bindings).map(([binding, buffer]) => [Number(binding), buffer] as const);
  encodePass(gpu, encoder, label, [{ pipeline, bindings: pairs, groups: [x, y] }]);
}

/**
 * Workgroups along x for `rows` rows in segments of `segment` rows, `perInvocation` rows per
 * invocation: each segment its own groups (the shaders' group_rows), the last segment's only as
 * many as its rows need.
 */
function rowGroups(p: AttentionPipelines, rows: number, segment: number, perInvocation: number): number {
  const perGroup = perInvocation * p.workgroupSize;
  if (rows === 0) return 0;
  const full = Math.floor(rows / segment);
  const rest = rows - full * segment;
  return full * Math.ceil(segment / perGroup) + Math.ceil(rest / perGroup);
}

/** The segment length of one side: a positive whole number of rows, at most the side's rows (default). */
function segmentOf(
  what: string,
  flag: 'qSegmentRows' | 'kSegmentRows',
  value: number | undefined,
  rows: number,
): number {
  if (value === undefined) return Math.max(rows, 1);
  if (!Number.isInteger(value) || value <= 0)
    throw new ShapeError(`attention ${what}: ${flag} = ${value}, expected a positive integer`);
  return Math.min(value, Math.max(rows, 1));
}

function checkQSide(
  lim: AttentionLimits,
  what: string,
  a: { qRows: number; q: GPUBuffer; qPos: GPUBuffer; qOffset?: number },
): number {
  const off = a.qOffset ?? 0;
  checkRows(lim, `${what} qRows`, a.qRows, off);
  checkBuffer(what, 'q', a.q, a.qRows, off, [lim.heads, lim.headDim], lim.qkvBytes);
  checkBuffer(what, 'qPos', a.qPos, a.qRows, off, []);
  return off;
}

function checkKSide(
  lim: AttentionLimits,
  what: string,
  a: { kRows: number; k: GPUBuffer; v: GPUBuffer; kPos: GPUBuffer; kOffset?: number },
): number {
  const off = a.kOffset ?? 0;
  checkRows(lim, `${what} kRows`, a.kRows, off);
  checkBuffer(what, 'k', a.k, a.kRows, off, [lim.heads, lim.headDim], lim.qkvBytes);
  checkBuffer(what, 'v', a.v, a.kRows, off, [lim.heads, lim.headDim], lim.qkvBytes);
  checkBuffer(what, 'kPos', a.kPos, a.kRows, off, []);
  return off;
}

export function encodeFold(
  gpu: Gpu,
  p: AttentionPipelines,
  lim: AttentionLimits,
  encoder: GPUCommandEncoder,
  a: FoldArgs,
): void {
  const qOff = checkQSide(lim, 'fold', a);
  const kOff = checkKSide(lim, 'fold', a);
  if (a.state.rows < a.qRows + qOff) {
    throw new ShapeError(`attention fold: state has ${a.state.rows} rows, needs qOffset ${qOff} + qRows ${a.qRows}`);
  }
  const qSegment = segmentOf('fold', 'qSegmentRows', a.qSegmentRows, a.qRows);
  const params = p.params('forward', {
    qRows: a.qRows,
    kRows: a.kRows,
    qOffset: qOff,
    kOffset: kOff,
    qSegment,
    kSegment: Math.max(a.kRows, 1),
  });
  const b = { 0: params, 1: a.q, 2: a.qPos, 3: a.k, 4: a.v, 5: a.kPos, 6: a.state.m, 7: a.state.l, 8: a.state.acc };
  dispatch(gpu, encoder, 'attention fold', p.fold, b, rowGroups(p, a.qRows, qSegment, p.rows.forward), lim.heads);
}

/** Params of a per-row pass (finalize, prep): `rows` query rows, no keys, one segment. */
function wholeRows(rows: number): PassRows {
  return { qRows: rows, kRows: 0, qOffset: 0, kOffset: 0, qSegment: Math.max(rows, 1), kSegment: 1 };
}

export function encodeFinalize(
  gpu: Gpu,
  p: AttentionPipelines,
  lim: AttentionLimits,
  encoder: GPUCommandEncoder,
  a: FinalizeArgs,
): void {
  const rows = a.state.rows;
  checkBuffer('finalize', 'o', a.o, rows, 0, [lim.heads, lim.headDim]);
  checkBuffer('finalize', 'lse', a.lse, rows, 0, [lim.heads]);
  const b = { 0: p.params('forward', wholeRows(rows)), 6: a.state.m, 7: a.state.l, 8: a.state.acc, 9: a.o, 10: a.lse };
  dispatch(gpu, encoder, 'attention finalize', p.finalize, b, Math.ceil((rows * lim.heads) / p.workgroupSize), 1);
}

export function encodeBackwardPrep(
  gpu: Gpu,
  p: AttentionPipelines,
  lim: AttentionLimits,
  encoder: GPUCommandEncoder,
  a: BackwardPrepArgs,
): void {
  checkRows(lim, 'backward prep rows', a.rows);
  checkBuffer('backward prep', 'o', a.o, a.rows, 0, [lim.heads, lim.headDim]);
  checkBuffer('backward prep', 'dO', a.dO, a.rows, 0, [lim.heads, lim.headDim]);
  checkBuffer('backward prep', 'delta', a.delta, a.rows, 0, [lim.heads]);
  const b = { 0: p.params('backward', wholeRows(a.rows)), 6: a.dO, 8: a.delta, 12: a.o };
  dispatch(gpu, encoder, 'attention backward prep', p.prep, b, Math.ceil((a.rows * lim.heads) / p.workgroupSize), 1);
}

export function encodeBackwardBlock(
  gpu: Gpu,
  p: AttentionPipelines,
  lim: AttentionLimits,
  encoder: GPUCommandEncoder,
  a: BackwardBlockArgs,
): void {
  const what = 'backward block';
  const qOff = checkQSide(lim, what, a);
  const kOff = checkKSide(lim, what, a);
  checkBuffer(what, 'dO', a.dO, a.qRows, qOff, [lim.heads, lim.headDim]);
  checkBuffer(what, 'lse', a.lse, a.qRows, qOff, [lim.heads]);
  checkBuffer(what, 'delta', a.delta, a.qRows, qOff, [lim.heads]);
  checkBuffer(what, 'dq', a.dq, a.qRows, qOff, [lim.heads, lim.headDim]);
  checkBuffer(what, 'dk', a.dk, a.kRows, kOff, [lim.heads, lim.headDim]);
  checkBuffer(what, 'dv', a.dv, a.kRows, kOff, [lim.heads, lim.headDim]);
  const qSegment = segmentOf(what, 'qSegmentRows', a.qSegmentRows, a.qRows);
  const kSegment = segmentOf(what, 'kSegmentRows', a.kSegmentRows, a.kRows);
  const params = p.params('backward', {
    qRows: a.qRows,
    kRows: a.kRows,
    qOffset: qOff,
    kOffset: kOff,
    qSegment,
    kSegment,
  });
  const shared = { 0: params, 1: a.q, 2: a.qPos, 3: a.k, 4: a.v, 5: a.kPos, 6: a.dO, 7: a.lse, 8: a.delta };
  dispatch(
    gpu,
    encoder,
    'attention dK dV',
    p.dkdv,
    { ...shared, 10: a.dk, 11: a.dv },
    rowGroups(p, a.kRows, kSegment, p.rows.dkdv),
    lim.heads,
  );
  dispatch(
    gpu,
    encoder,
    'attention dQ',
    p.dq,
    { ...shared, 9: a.dq },
    rowGroups(p, a.qRows, qSegment, p.rows.dq),
    lim.heads,
  );
}
