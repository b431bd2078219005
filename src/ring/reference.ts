// Dense attention in f64 on the host, the ground truth for ring results: full forward/backward for
// small T (tests), and single query rows for spot checks at T = 8,760 (bench).
// Shapes: q/k/v/o/dO `[T, H, D]` row-major; lse `[T, H]`; mask: causal keeps key ≤ query.

export interface DenseShape {
  readonly T: number;
  readonly H: number;
  readonly D: number;
  readonly causal: boolean;
  readonly scale?: number;
}

interface RowResult {
  /** Softmax probabilities over keys 0..kEnd-1 (`[kEnd]`) for one (t, h). */
  readonly p: Float64Array;
  readonly lse: number;
}

function scaleOf(s: DenseShape): number {
  return s.scale ?? 1 / Math.sqrt(s.D);
}

function softmaxRow(s: DenseShape, q: ArrayLike<number>, k: ArrayLike<number>, t: number, h: number): RowResult {
  const { T, H, D, causal } = s;
  const kEnd = causal ? t + 1 : T;
  const scores = new Float64Array(kEnd);
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < kEnd; j++) {
    let dot = 0;
    for (let d = 0; d < D; d++) dot += (q[(t * H + h) * D + d] ?? 0) * (k[(j * H + h) * D + d] ?? 0);
    scores[j] = dot * scaleOf(s);
    max = Math.max(max, dot * scaleOf(s));
  }
  let sum = 0;
  for (let j = 0; j < kEnd; j++) sum += Math.exp((scores[j] ?? 0) - max);
  const p = scores.map((x) => Math.exp(x - max) / sum);
  return { p, lse: max + Math.log(sum) };
}

/** Output row o[t, h, :] and lse[t, h]. */
export function denseOutputRow(s: DenseShape, q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>, t: number, h: number): { o: Float64Array; lse: number; p: Float64Array } {
  const { H, D } = s;
  const { p, lse } = softmaxRow(s, q, k, t, h);
  const o = new Float64Array(D);
  p.forEach((pj, j) => {
    for (let d = 0; d < D; d++) o[d] = (o[d] ?? 0) + pj * (v[(j * H + h) * D + d] ?? 0);
  });
  return { o, lse, p };
}

export interface DenseForward {
  readonly o: Float64Array;
  readonly lse: Float64Array;
}

export function denseForward(s: DenseShape, q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>): DenseForward {
  const { T, H, D } = s;
  const o = new Float64Array(T * H * D);
  const lse = new Float64Array(T * H);
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < H; h++) {
      const row = denseOutputRow(s, q, k, v, t, h);
      o.set(row.o, (t * H + h) * D);
      lse[t * H + h] = row.lse;
    }
  }
  return { o, lse };
}

export interface DenseGrads {
  readonly dq: Float64Array;
  readonly dk: Float64Array;
  readonly dv: Float64Array;
}

/** Adds one (t, h) row's contribution to dq, dk, dv: dS = P ∘ (dP − rowsum(dO ∘ O)). */
function backwardRow(s: DenseShape, x: { q: ArrayLike<number>; k: ArrayLike<number>; v: ArrayLike<number>; dO: ArrayLike<number> }, g: DenseGrads, t: number, h: number): void {
  const { H, D } = s;
  const { o, p } = denseOutputRow(s, x.q, x.k, x.v, t, h);
  const base = (t * H + h) * D;
  let delta = 0;
  for (let d = 0; d < D; d++) delta += (x.dO[base + d] ?? 0) * (o[d] ?? 0);
  p.forEach((pj, j) => {
    const kb = (j * H + h) * D;
    let dp = 0;
    for (let d = 0; d < D; d++) dp += (x.dO[base + d] ?? 0) * (x.v[kb + d] ?? 0);
    const ds = pj * (dp - delta) * scaleOf(s);
    for (let d = 0; d < D; d++) {
      g.dq[base + d] = (g.dq[base + d] ?? 0) + ds * (x.k[kb + d] ?? 0);
      g.dk[kb + d] = (g.dk[kb + d] ?? 0) + ds * (x.q[base + d] ?? 0);
      g.dv[kb + d] = (g.dv[kb + d] ?? 0) + pj * (x.dO[base + d] ?? 0);
    }
  });
}

/** Gradients of sum(O ∘ dO) with respect to q, k, v. */
export function denseBackward(s: DenseShape, q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>, dO: ArrayLike<number>): DenseGrads {
  const n = s.T * s.H * s.D;
  const g: DenseGrads = { dq: new Float64Array(n), dk: new Float64Array(n), dv: new Float64Array(n) };
  for (let t = 0; t < s.T; t++) for (let h = 0; h < s.H; h++) backwardRow(s, { q, k, v, dO }, g, t, h);
  return g;
}

/** dq[t, h, :] alone (cheap: one query row), for spot checks at long T. */
export function denseDqRow(s: DenseShape, x: { q: ArrayLike<number>; k: ArrayLike<number>; v: ArrayLike<number>; dO: ArrayLike<number> }, t: number, h: number): Float64Array {
  const { H, D } = s;
  const { o, p } = denseOutputRow(s, x.q, x.k, x.v, t, h);
  const base = (t * H + h) * D;
  let delta = 0;
  for (let d = 0; d < D; d++) delta += (x.dO[base + d] ?? 0) * (o[d] ?? 0);
  const dq = new Float64Array(D);
  p.forEach((pj, j) => {
    const kb = (j * H + h) * D;
    let dp = 0;
    for (let d = 0; d < D; d++) dp += (x.dO[base + d] ?? 0) * (x.v[kb + d] ?? 0);
    const ds = pj * (dp - delta) * scaleOf(s);
    for (let d = 0; d < D; d++) dq[d] = (dq[d] ?? 0) + ds * (x.k[kb + d] ?? 0);
  });
  return dq;
}
