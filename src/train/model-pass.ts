// The forecaster's forward and backward passes over the ranks, recorded step by step: per-token
// layers on each rank's rows, attention through the ring's device-side API (the only cross-rank
// operation). Parameter gradients accumulate (+=) into each rank's slice accumulators, so a batch
// of windows sums; the ranks' sums are all-reduced later by the optimiser step.
import type { RingAttention } from '../ring/index.ts';
import type { DeviceOps, LinearShape } from './device-ops.ts';
import type { ModelConfig, ParamLayout } from './params.ts';
import { gradScratch, inputSlot, type LayerActs, type RankBuffers } from './rank-buffers.ts';
import type { StepRecorder } from './recorder.ts';

export interface ModelContext {
  readonly config: ModelConfig;
  readonly layout: ParamLayout;
  readonly ring: RingAttention;
  /** Rows each rank holds (the ring's rowsPerRank). */
  readonly rows: number;
  /** Per rank: the device's ops (shared by ranks on one device) and the rank's buffers. */
  readonly ops: readonly DeviceOps[];
  readonly ranks: readonly RankBuffers[];
}

function at<T>(xs: readonly T[], i: number, what: string): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no ${what} ${i}`);
  return x;
}

function w(rb: RankBuffers, name: string): GPUBuffer {
  const b = rb.weights.get(name);
  if (!b) throw new Error(`no weights '${name}'`);
  return b;
}

function g(rb: RankBuffers, name: string): GPUBuffer {
  const b = rb.sliceGrads.get(name);
  if (!b) throw new Error(`no gradient accumulator '${name}'`);
  return b;
}

type ShapeName = 'input' | 'square' | 'fc1' | 'fc2' | 'headF' | 'headK' | 'headO' | 'headS';

/** Linear shapes of the model for `rows` rows (the head's rows are (row, target hour) pairs). */
export function linearShapes(c: ModelConfig, rows: number): Record<ShapeName, LinearShape> {
  const d = c.dModel;
  const m = c.mlpRatio * d;
  const pairs = rows * c.horizon;
  const E = c.headHidden;
  const Q = c.quantiles.length;
  return {
    input: { rows, inDim: c.features, outDim: d },
    square: { rows, inDim: d, outDim: d },
    fc1: { rows, inDim: d, outDim: m },
    fc2: { rows, inDim: m, outDim: d },
    headF: { rows, inDim: d, outDim: c.horizon * E },
    headK: { rows: pairs, inDim: c.futureFeatures, outDim: E },
    headO: { rows: pairs, inDim: E, outDim: Q },
    headS: { rows: pairs, inDim: c.futureFeatures, outDim: Q },
  };
}

/** For each rank, records `body(encoder, ops, buffers)` into its encoder. */
function perRank(
  ctx: ModelContext,
  rec: StepRecorder,
  body: (e: GPUCommandEncoder, ops: DeviceOps, rb: RankBuffers) => void,
): void {
  ctx.ranks.forEach((rb, r) => {
    body(rec.encoder(r), at(ctx.ops, r, 'ops'), rb);
  });
}

/** Forward pass of the window in input slot `slot`; leaves pred and the loss stats on every rank. */
export async function encodeForward(ctx: ModelContext, rec: StepRecorder, slot: number): Promise<void> {
  const c = ctx.config;
  const n = ctx.rows;
  const d = c.dModel;
  const s = linearShapes(c, n);
  const next = (rb: RankBuffers, l: number): GPUBuffer =>
    l + 1 < c.layers ? at(rb.layers, l + 1, 'layer').h : rb.hOut;
  perRank(ctx, rec, (e, ops, rb) => {
    const x = inputSlot(rb, c, slot).x;
    ops.linear(
      e,
      { x, w: w(rb, 'in.w'), b: w(rb, 'in.b'), y: c.layers > 0 ? at(rb.layers, 0, 'layer').h : rb.hOut },
      s.input,
    );
  });
  for (let l = 0; l < c.layers; l++) {
    const p = `l${l}.`;
    perRank(ctx, rec, (e, ops, rb) => {
      const a = at(rb.layers, l, 'layer');
      ops.layerNorm(
        e,
        { x: a.h, gamma: w(rb, `${p}ln1.g`), beta: w(rb, `${p}ln1.b`), y: a.a, mean: a.mean1, rstd: a.rstd1 },
        n,
        d,
      );
      for (const [t, y] of [
        ['q', a.q],
        ['k', a.k],
        ['v', a.v],
      ] as const)
        ops.linear(e, { x: a.a, w: w(rb, `${p}w${t}`), b: w(rb, `${p}b${t}`), y }, s.square);
    });
    await rec.attentionForward(
      ctx.ranks.map((rb) => {
        const a = at(rb.layers, l, 'layer');
        return { q: a.q, k: a.k, v: a.v, o: a.o, lse: a.lse };
      }),
    );
    perRank(ctx, rec, (e, ops, rb) => {
      const a = at(rb.layers, l, 'layer');
      ops.linear(e, { x: a.o, w: w(rb, `${p}wo`), b: w(rb, `${p}bo`), y: rb.tmp }, s.square);
      ops.add(e, { x: a.h, y: rb.tmp, out: a.hm }, n * d);
      ops.layerNorm(
        e,
        { x: a.hm, gamma: w(rb, `${p}ln2.g`), beta: w(rb, `${p}ln2.b`), y: a.b, mean: a.mean2, rstd: a.rstd2 },
        n,
        d,
      );
      ops.linear(e, { x: a.b, w: w(rb, `${p}fc1.w`), b: w(rb, `${p}fc1.b`), y: a.u }, s.fc1);
      ops.gelu(e, { x: a.u, y: a.g }, n * c.mlpRatio * d);
      ops.linear(e, { x: a.g, w: w(rb, `${p}fc2.w`), b: w(rb, `${p}fc2.b`), y: rb.tmp }, s.fc2);
      ops.add(e, { x: a.hm, y: rb.tmp, out: next(rb, l) }, n * d);
    });
  }
  perRank(ctx, rec, (e, ops, rb) => {
    const inp = inputSlot(rb, c, slot);
    ops.layerNorm(
      e,
      { x: rb.hOut, gamma: w(rb, 'lnf.g'), beta: w(rb, 'lnf.b'), y: rb.f, mean: rb.meanF, rstd: rb.rstdF },
      n,
      d,
    );
    encodeHead(e, ops, rb, ctx, inp.future);
    const shape = { rows: n * c.horizon, taus: c.quantiles };
    ops.pinball(e, { pred: rb.pred, target: inp.target, mask: inp.mask, stats: rb.stats }, shape);
  });
}

/**
 * The per-target-hour head (params.ts): a = f·head.f (viewed [n·Hz, E]) + future·head.k, then
 * pred = GELU(a)·head.o + future·head.s, [n·Hz, Q].
 */
function encodeHead(e: GPUCommandEncoder, ops: DeviceOps, rb: RankBuffers, ctx: ModelContext, future: GPUBuffer): void {
  const c = ctx.config;
  const s = linearShapes(c, ctx.rows);
  const pairs = ctx.rows * c.horizon;
  ops.linear(e, { x: rb.f, w: w(rb, 'head.f.w'), b: w(rb, 'head.f.b'), y: rb.headA }, s.headF);
  ops.linear(e, { x: future, w: w(rb, 'head.k.w'), b: w(rb, 'head.k.b'), y: rb.headG }, s.headK);
  ops.addInPlace(e, { acc: rb.headA, y: rb.headG }, pairs * c.headHidden);
  ops.gelu(e, { x: rb.headA, y: rb.headG }, pairs * c.headHidden);
  ops.linear(e, { x: rb.headG, w: w(rb, 'head.o.w'), b: w(rb, 'head.o.b'), y: rb.pred }, s.headO);
  ops.linear(e, { x: future, w: w(rb, 'head.s.w'), b: w(rb, 'head.s.b'), y: rb.headSkip }, s.headS);
  ops.addInPlace(e, { acc: rb.pred, y: rb.headSkip }, pairs * c.quantiles.length);
}

/** The head's backward from dpred (scratch) to df in the scratch's dtmp [n, d]. */
function headBackward(
  e: GPUCommandEncoder,
  ops: DeviceOps,
  rb: RankBuffers,
  ctx: ModelContext,
  future: GPUBuffer,
): void {
  const c = ctx.config;
  const s = linearShapes(c, ctx.rows);
  const sc = gradScratch(rb, c, ctx.layout);
  accumulateLinear(e, ops, rb, ['head.s.w', 'head.s.b'], future, sc.dpred, s.headS, ctx);
  accumulateLinear(e, ops, rb, ['head.o.w', 'head.o.b'], rb.headG, sc.dpred, s.headO, ctx);
  ops.linearInputGrad(e, { dy: sc.dpred, w: w(rb, 'head.o.w'), dx: sc.dHeadG }, s.headO);
  ops.geluBackward(e, { x: rb.headA, dy: sc.dHeadG, dx: sc.dHeadA }, ctx.rows * c.horizon * c.headHidden);
  accumulateLinear(e, ops, rb, ['head.k.w', 'head.k.b'], future, sc.dHeadA, s.headK, ctx);
  accumulateLinear(e, ops, rb, ['head.f.w', 'head.f.b'], rb.f, sc.dHeadA, s.headF, ctx);
  ops.linearInputGrad(e, { dy: sc.dHeadA, w: w(rb, 'head.f.w'), dx: sc.dtmp }, s.headF);
}

/** dW, db of a linear layer into the scratch, then added to the named accumulators. */
function accumulateLinear(
  e: GPUCommandEncoder,
  ops: DeviceOps,
  rb: RankBuffers,
  names: readonly [string, string],
  x: GPUBuffer,
  dy: GPUBuffer,
  s: LinearShape,
  ctx: ModelContext,
): void {
  const sc = gradScratch(rb, ctx.config, ctx.layout);
  ops.linearParamGrads(e, { x, dy, dw: sc.pw, db: sc.pb }, s);
  ops.addInPlace(e, { acc: g(rb, names[0]), y: sc.pw }, s.inDim * s.outDim);
  ops.addInPlace(e, { acc: g(rb, names[1]), y: sc.pb }, s.outDim);
}

/** LayerNorm backward: dx into `dx`, dγ and dβ added to the named accumulators. */
function layerNormBack(
  e: GPUCommandEncoder,
  ops: DeviceOps,
  rb: RankBuffers,
  ctx: ModelContext,
  io: { x: GPUBuffer; gamma: string; beta: string; mean: GPUBuffer; rstd: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer },
): void {
  const sc = gradScratch(rb, ctx.config, ctx.layout);
  const d = ctx.config.dModel;
  ops.layerNormBackward(
    e,
    {
      x: io.x,
      gamma: w(rb, io.gamma),
      mean: io.mean,
      rstd: io.rstd,
      dy: io.dy,
      dx: io.dx,
      dgamma: sc.pw,
      dbeta: sc.pb,
    },
    ctx.rows,
    d,
  );
  ops.addInPlace(e, { acc: g(rb, io.gamma), y: sc.pw }, d);
  ops.addInPlace(e, { acc: g(rb, io.beta), y: sc.pb }, d);
}

/**
 * Backward pass of the window in slot `slot` (after its forward). `seeds[r]` scales rank r's loss
 * gradient: its share of the batch's observed targets, so the sum over ranks and windows is the
 * gradient of one global masked mean.
 */
export async function encodeBackward(
  ctx: ModelContext,
  rec: StepRecorder,
  slot: number,
  seeds: readonly number[],
): Promise<void> {
  const c = ctx.config;
  const n = ctx.rows;
  const s = linearShapes(c, n);
  perRank(ctx, rec, (e, ops, rb) => {
    const inp = inputSlot(rb, c, slot);
    const sc = gradScratch(rb, c, ctx.layout);
    ops.pinballBackward(
      e,
      { pred: rb.pred, target: inp.target, mask: inp.mask, stats: rb.stats, dpred: sc.dpred },
      { rows: n * c.horizon, taus: c.quantiles },
      at(seeds, rb.rank, 'seed'),
    );
    headBackward(e, ops, rb, ctx, inp.future);
    layerNormBack(e, ops, rb, ctx, {
      x: rb.hOut,
      gamma: 'lnf.g',
      beta: 'lnf.b',
      mean: rb.meanF,
      rstd: rb.rstdF,
      dy: sc.dtmp,
      dx: sc.dh,
    });
  });
  for (let l = c.layers - 1; l >= 0; l--) {
    const p = `l${l}.`;
    perRank(ctx, rec, (e, ops, rb) => backwardMlp(e, ops, rb, ctx, at(rb.layers, l, 'layer'), p));
    await rec.attentionBackward(
      ctx.ranks.map((rb) => {
        const a = at(rb.layers, l, 'layer');
        const sc = gradScratch(rb, c, ctx.layout);
        return { q: a.q, k: a.k, v: a.v, o: a.o, lse: a.lse, dO: sc.dO, dq: sc.dq, dk: sc.dk, dv: sc.dv };
      }),
    );
    perRank(ctx, rec, (e, ops, rb) => backwardQkv(e, ops, rb, ctx, at(rb.layers, l, 'layer'), p));
  }
  perRank(ctx, rec, (e, ops, rb) => {
    const sc = gradScratch(rb, c, ctx.layout);
    accumulateLinear(e, ops, rb, ['in.w', 'in.b'], inputSlot(rb, c, slot).x, sc.dh, s.input, ctx);
  });
}

/** From dh (gradient of the block output) to dO of the attention (into the scratch), via the MLP. */
function backwardMlp(
  e: GPUCommandEncoder,
  ops: DeviceOps,
  rb: RankBuffers,
  ctx: ModelContext,
  a: LayerActs,
  p: string,
): void {
  const c = ctx.config;
  const n = ctx.rows;
  const d = c.dModel;
  const s = linearShapes(c, n);
  const sc = gradScratch(rb, c, ctx.layout);
  accumulateLinear(e, ops, rb, [`${p}fc2.w`, `${p}fc2.b`], a.g, sc.dh, s.fc2, ctx);
  ops.linearInputGrad(e, { dy: sc.dh, w: w(rb, `${p}fc2.w`), dx: sc.dm }, s.fc2);
  ops.geluBackward(e, { x: a.u, dy: sc.dm, dx: sc.du }, n * c.mlpRatio * d);
  accumulateLinear(e, ops, rb, [`${p}fc1.w`, `${p}fc1.b`], a.b, sc.du, s.fc1, ctx);
  ops.linearInputGrad(e, { dy: sc.du, w: w(rb, `${p}fc1.w`), dx: sc.da }, s.fc1);
  layerNormBack(e, ops, rb, ctx, {
    x: a.hm,
    gamma: `${p}ln2.g`,
    beta: `${p}ln2.b`,
    mean: a.mean2,
    rstd: a.rstd2,
    dy: sc.da,
    dx: sc.dtmp,
  });
  ops.add(e, { x: sc.dh, y: sc.dtmp, out: sc.dhm }, n * d);
  accumulateLinear(e, ops, rb, [`${p}wo`, `${p}bo`], a.o, sc.dhm, s.square, ctx);
  ops.linearInputGrad(e, { dy: sc.dhm, w: w(rb, `${p}wo`), dx: sc.dO }, s.square);
}

/** From the ring's dQ, dK, dV to dh of the block input (into the scratch's dh). */
function backwardQkv(
  e: GPUCommandEncoder,
  ops: DeviceOps,
  rb: RankBuffers,
  ctx: ModelContext,
  a: LayerActs,
  p: string,
): void {
  const n = ctx.rows;
  const d = ctx.config.dModel;
  const s = linearShapes(ctx.config, n);
  const sc = gradScratch(rb, ctx.config, ctx.layout);
  const parts = [
    ['q', sc.dq],
    ['k', sc.dk],
    ['v', sc.dv],
  ] as const;
  for (const [t, dy] of parts) accumulateLinear(e, ops, rb, [`${p}w${t}`, `${p}b${t}`], a.a, dy, s.square, ctx);
  parts.forEach(([t, dy], i) => {
    if (i === 0) ops.linearInputGrad(e, { dy, w: w(rb, `${p}w${t}`), dx: sc.da }, s.square);
    else {
      ops.linearInputGrad(e, { dy, w: w(rb, `${p}w${t}`), dx: sc.dtmp }, s.square);
      ops.addInPlace(e, { acc: sc.da, y: sc.dtmp }, n * d);
    }
  });
  layerNormBack(e, ops, rb, ctx, {
    x: a.h,
    gamma: `${p}ln1.g`,
    beta: `${p}ln1.b`,
    mean: a.mean1,
    rstd: a.rstd1,
    dy: sc.da,
    dx: sc.dtmp,
  });
  ops.add(e, { x: sc.dhm, y: sc.dtmp, out: sc.dh }, n * d);
}
