// Plain-TypeScript (f64) references for attention, the one ground truth of the kernels and the
// ring: dense forward/backward (one score row at a time), single query rows for spot checks at
// long T, and the block-wise fold/finalize with the GPU's semantics.
// Layout: q/k/v/o/dO `[rows, H, D]` row-major; lse `[rows, H]`; positions per row, PAD = 0xffffffff.
import type { Tolerance } from '../../core/index.ts';

const PAD = 0xffffffff;
const NEG = -1e30; // the kernels' −∞ for rows that saw no unmasked key

export interface AttentionRefConfig {
  readonly heads: number;
  readonly headDim: number;
  readonly causal: boolean;
  /** Default 1/sqrt(headDim). */
  readonly scale?: number;
}

export interface AttentionRefInputs {
  readonly q: ArrayLike<number>;
  readonly k: ArrayLike<number>;
  readonly v: ArrayLike<number>;
  readonly qPos: ArrayLike<number>;
  readonly kPos: ArrayLike<number>;
}

function scaleOf(c: AttentionRefConfig): number {
  return c.scale ?? 1 / Math.sqrt(c.headDim);
}

/** Whether query position qp may attend to key position kp. */
export function attends(c: AttentionRefConfig, qp: number, kp: number): boolean {
  return qp !== PAD && kp !== PAD && (!c.causal || kp <= qp);
}

function dotRows(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, D: number): number {
  let s = 0;
  for (let d = 0; d < D; d++) s += (a[ai + d] ?? 0) * (b[bi + d] ?? 0);
  return s;
}

/** Scaled, masked scores of query row i against every key, one head (−∞ where masked). */
function scoreRow(c: AttentionRefConfig, x: AttentionRefInputs, i: number, h: number): Float64Array {
  const { heads: H, headDim: D } = c;
  const tk = x.kPos.length;
  const scale = scaleOf(c);
  const row = new Float64Array(tk).fill(Number.NEGATIVE_INFINITY);
  for (let j = 0; j < tk; j++) {
    if (attends(c, x.qPos[i] ?? PAD, x.kPos[j] ?? PAD))
      row[j] = scale * dotRows(x.q, (i * H + h) * D, x.k, (j * H + h) * D, D);
  }
  return row;
}

/** Scaled, masked scores of one head: s[i][j] (−∞ where masked). */
function scores(c: AttentionRefConfig, x: AttentionRefInputs, h: number): Float64Array[] {
  return Array.from({ length: x.qPos.length }, (_, i) => scoreRow(c, x, i, h));
}

/** Softmax probabilities of one score row and its log-sum-exp (NEG and all-zero when fully masked). */
function softmaxRow(s: Float64Array): { p: Float64Array; lse: number } {
  const m = Math.max(...s);
  if (m === Number.NEGATIVE_INFINITY) return { p: new Float64Array(s.length), lse: NEG };
  let sum = 0;
  for (const x of s) sum += Math.exp(x - m);
  const lse = m + Math.log(sum);
  return { p: s.map((x) => Math.exp(x - lse)), lse };
}

/** Positions 0..T-1 (a contiguous sequence: the ring's and the full-attention case). */
export function contiguousPositions(T: number): Uint32Array {
  return Uint32Array.from({ length: T }, (_, i) => i);
}

/**
 * One query row of dense attention, head h: o[i, h, :] `[D]`, lse[i, h] and the softmax weights
 * over every key `[Tk]`. Costs O(Tk·D), so benchmarks spot-check long sequences row by row.
 */
export function attentionRowRef(
  c: AttentionRefConfig,
  x: AttentionRefInputs,
  i: number,
  h: number,
): { o: Float64Array; lse: number; p: Float64Array } {
  const { heads: H, headDim: D } = c;
  const { p, lse } = softmaxRow(scoreRow(c, x, i, h));
  const o = new Float64Array(D);
  p.forEach((pj, j) => {
    if (pj === 0) return;
    for (let d = 0; d < D; d++) o[d] = (o[d] ?? 0) + pj * (x.v[(j * H + h) * D + d] ?? 0);
  });
  return { o, lse, p };
}

/** Dense attention forward: o [Tq, H, D], lse [Tq, H]. */
export function attentionForwardRef(
  c: AttentionRefConfig,
  x: AttentionRefInputs,
): { o: Float64Array; lse: Float64Array } {
  const { heads: H, headDim: D } = c;
  const tq = x.qPos.length;
  const o = new Float64Array(tq * H * D);
  const lse = new Float64Array(tq * H);
  for (let i = 0; i < tq; i++) {
    for (let h = 0; h < H; h++) {
      const row = attentionRowRef(c, x, i, h);
      o.set(row.o, (i * H + h) * D);
      lse[i * H + h] = row.lse;
    }
  }
  return { o, lse };
}

/** Gradients accumulated by backwardRow; dk/dv may be omitted (a dQ-only spot check). */
interface RowGrads {
  readonly dq: Float64Array;
  /** Index of dq[i, h, 0] in `dq`. */
  readonly dqBase: number;
  readonly dk?: Float64Array;
  readonly dv?: Float64Array;
}

/** Adds query row i, head h's contribution: dS = P ∘ (dP − rowsum(dO ∘ O)) (recomputes P). */
function backwardRow(
  c: AttentionRefConfig,
  x: AttentionRefInputs,
  dO: ArrayLike<number>,
  i: number,
  h: number,
  g: RowGrads,
): void {
  const { heads: H, headDim: D } = c;
  const scale = scaleOf(c);
  const { p } = softmaxRow(scoreRow(c, x, i, h));
  const qi = (i * H + h) * D;
  const dp = Array.from(p, (_, j) => dotRows(dO, qi, x.v, (j * H + h) * D, D));
  let delta = 0; // Σ_j p·dp = dO·O
  p.forEach((pj, j) => {
    delta += pj * (dp[j] ?? 0);
  });
  p.forEach((pj, j) => {
    if (pj === 0) return;
    const kj = (j * H + h) * D;
    const ds = pj * ((dp[j] ?? 0) - delta) * scale;
    for (let d = 0; d < D; d++) {
      g.dq[g.dqBase + d] = (g.dq[g.dqBase + d] ?? 0) + ds * (x.k[kj + d] ?? 0);
      if (g.dv) g.dv[kj + d] = (g.dv[kj + d] ?? 0) + pj * (dO[qi + d] ?? 0);
      if (g.dk) g.dk[kj + d] = (g.dk[kj + d] ?? 0) + ds * (x.q[qi + d] ?? 0);
    }
  });
}

/** Dense attention backward: dq, dk, dv for upstream gradient dO (recomputes the forward). */
export function attentionBackwardRef(
  c: AttentionRefConfig,
  x: AttentionRefInputs,
  dO: ArrayLike<number>,
): { dq: Float64Array; dk: Float64Array; dv: Float64Array } {
  const { heads: H, headDim: D } = c;
  const tq = x.qPos.length;
  const tk = x.kPos.length;
  const dq = new Float64Array(tq * H * D);
  const dk = new Float64Array(tk * H * D);
  const dv = new Float64Array(tk * H * D);
  for (let i = 0; i < tq; i++)
    for (let h = 0; h < H; h++) backwardRow(c, x, dO, i, h, { dq, dqBase: (i * H + h) * D, dk, dv });
  return { dq, dk, dv };
}

/** dq[i, h, :] `[D]` alone: one query row's gradient, O(Tk·D), for spot checks at long T. */
export function attentionDqRowRef(
  c: AttentionRefConfig,
  x: AttentionRefInputs,
  dO: ArrayLike<number>,
  i: number,
  h: number,
): Float64Array {
  const dq = new Float64Array(c.headDim);
  backwardRow(c, x, dO, i, h, { dq, dqBase: 0 });
  return dq;
}

/** Block-wise online-softmax state (natural-log units), as the GPU's fold keeps it. */
export interface RefState {
  readonly m: Float64Array; // [rows, H]
  readonly l: Float64Array; // [rows, H]
  readonly acc: Float64Array; // [rows, H, D]
}

export function refState(c: AttentionRefConfig, rows: number): RefState {
  return {
    m: new Float64Array(rows * c.heads).fill(NEG),
    l: new Float64Array(rows * c.heads),
    acc: new Float64Array(rows * c.heads * c.headDim),
  };
}

/** Folds one K/V block into the state of a Q block (online softmax, one key at a time). */
export function refFold(c: AttentionRefConfig, state: RefState, x: AttentionRefInputs): void {
  const { heads: H, headDim: D } = c;
  for (let h = 0; h < H; h++) {
    scores(c, x, h).forEach((row, i) => {
      const r = i * H + h;
      row.forEach((s, j) => {
        if (s === Number.NEGATIVE_INFINITY) return;
        const m = Math.max(state.m[r] ?? NEG, s);
        const alpha = Math.exp((state.m[r] ?? NEG) - m);
        const p = Math.exp(s - m);
        state.l[r] = (state.l[r] ?? 0) * alpha + p;
        state.m[r] = m;
        for (let d = 0; d < D; d++)
          state.acc[r * D + d] = (state.acc[r * D + d] ?? 0) * alpha + p * (x.v[(j * H + h) * D + d] ?? 0);
      });
    });
  }
}

/** o = acc / l, lse = m + log l (o = 0, lse = NEG for rows with no unmasked key). */
export function refFinalize(c: AttentionRefConfig, state: RefState): { o: Float64Array; lse: Float64Array } {
  const D = c.headDim;
  const o = state.acc.map((a, idx) => {
    const l = state.l[Math.floor(idx / D)] ?? 0;
    return l > 0 ? a / l : 0;
  });
  const lse = state.m.map((m, r) => ((state.l[r] ?? 0) > 0 ? m + Math.log(state.l[r] ?? 0) : NEG));
  return { o, lse };
}

/** delta[r, h] = Σ_d dO·O (the backward's row term). */
export function refBackwardPrep(c: AttentionRefConfig, o: ArrayLike<number>, dO: ArrayLike<number>): Float64Array {
  const rows = o.length / c.headDim;
  return Float64Array.from({ length: rows }, (_, r) => dotRows(o, r * c.headDim, dO, r * c.headDim, c.headDim));
}

/** Adds one K/V block's contribution to dq and that block's dk, dv (P recomputed from lse). */
export function refBackwardBlock(
  c: AttentionRefConfig,
  x: AttentionRefInputs,
  t: { readonly dO: ArrayLike<number>; readonly lse: ArrayLike<number>; readonly delta: ArrayLike<number> },
  g: { readonly dq: Float64Array; readonly dk: Float64Array; readonly dv: Float64Array },
): void {
  const { heads: H, headDim: D } = c;
  const scale = scaleOf(c);
  for (let h = 0; h < H; h++) {
    scores(c, x, h).forEach((row, i) => {
      const qi = (i * H + h) * D;
      row.forEach((s, j) => {
        if (s === Number.NEGATIVE_INFINITY) return;
        const kj = (j * H + h) * D;
        const p = Math.exp(s - (t.lse[i * H + h] ?? 0));
        const ds = p * (dotRows(t.dO, qi, x.v, kj, D) - (t.delta[i * H + h] ?? 0)) * scale;
        for (let d = 0; d < D; d++) {
          g.dv[kj + d] = (g.dv[kj + d] ?? 0) + p * (t.dO[qi + d] ?? 0);
          g.dq[qi + d] = (g.dq[qi + d] ?? 0) + ds * (x.k[kj + d] ?? 0);
          g.dk[kj + d] = (g.dk[kj + d] ?? 0) + ds * (x.q[qi + d] ?? 0);
        }
      });
    });
  }
}

/** Largest |x| of an array (0 when empty). */
function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] ?? 0));
  return m;
}

/**
 * Tolerances of attention with f16 storage (Q, K, V rounded to f16 once, all arithmetic f32)
 * against the f64 reference of the unrounded inputs, from f16's unit roundoff u = 2^-11:
 * - a score s = scale·Σ_d q_d·k_d moves by at most ε = (2u + u²)·scale·D·max|q|·max|k| (each
 *   product by (2u + u²)|q_d·k_d|);
 * - lse = log Σ_j exp(s_j) moves by at most ε;
 * - softmax weights p_j = exp(s_j − lse) move by a factor within e^{±2ε}, so Σ_j |Δp_j| ≤ e^{2ε} − 1,
 *   and V's own rounding adds u·|v|: |Δo| ≤ (e^{2ε} − 1 + u)·max|v|.
 * FP32's atol 1e-5 and rtol 1e-4 come on top for the f32 arithmetic.
 */
export function attentionF16StorageTolerance(
  c: Pick<AttentionRefConfig, 'headDim'> & { readonly scale?: number },
  x: Pick<AttentionRefInputs, 'q' | 'k' | 'v'>,
): { readonly o: Tolerance; readonly lse: Tolerance } {
  const u = 2 ** -11;
  const scale = c.scale ?? 1 / Math.sqrt(c.headDim);
  const eps = (2 * u + u * u) * scale * c.headDim * maxAbs(x.q) * maxAbs(x.k);
  return {
    o: { atol: 1e-5 + (Math.expm1(2 * eps) + u) * maxAbs(x.v), rtol: 1e-4 },
    lse: { atol: 1e-5 + eps, rtol: 1e-4 },
  };
}
