// The ring's cost model (docs/ring.md, "Cost model"): time of a forward and a backward pass over R
// ranks from the shape, the device's attention FLOP rate, the link and the per-step host cost, with
// the K/V send hidden behind the step's compute (double buffering) and the dK/dV send exposed (it
// can only leave after the compute that adds to it). Zigzag layout, causal: every rank computes
// about T²/(2R²) score pairs per step.

export interface RingCostInput {
  readonly seqLen: number;
  readonly ranks: number;
  readonly heads: number;
  readonly headDim: number;
  /** Attention FLOP/s one device achieves in the forward and in the backward kernels. */
  readonly forwardFlops: number;
  readonly backwardFlops: number;
  /** Link bandwidth, bytes/s (the slowest hop of the ring), and per-transfer latency, s. */
  readonly bandwidth: number;
  readonly latency: number;
  /** Host cost of one ring step (encode, submit, wait for the device), s. */
  readonly stepOverhead: number;
}

export interface RingCost {
  /** Rows per rank (zigzag: 2·ceil(T/2R)). */
  readonly rows: number;
  /** Per step: compute of the forward and backward, K/V and dK/dV transfer times, s. */
  readonly forwardCompute: number;
  readonly backwardCompute: number;
  readonly kvTransfer: number;
  readonly dkvTransfer: number;
  /** Whether the K/V send hides behind each forward (backward) step's compute. */
  readonly kvHiddenForward: boolean;
  readonly kvHiddenBackward: boolean;
  /** Pass times over R ranks, s. */
  readonly forward: number;
  readonly backward: number;
  /** The same passes on one device (compute only), s. */
  readonly singleForward: number;
  readonly singleBackward: number;
  /** Rows per rank above which the K/V send hides behind the forward step (latency included). */
  readonly hideRowsForward: number;
}

/** FLOPs per query×key score pair: forward QKᵀ and PV; backward S, dP, dV, dQ, dK (FlashAttention-2). */
export const FLOPS_PER_PAIR = { forward: 4, backward: 10 } as const;

export function ringCost(c: RingCostInput): RingCost {
  const hd = c.heads * c.headDim;
  const rows = 2 * Math.ceil(c.seqLen / (2 * c.ranks));
  const pairsPerStep = (c.seqLen * c.seqLen) / (2 * c.ranks * c.ranks);
  const forwardCompute = (FLOPS_PER_PAIR.forward * hd * pairsPerStep) / c.forwardFlops;
  const backwardCompute = (FLOPS_PER_PAIR.backward * hd * pairsPerStep) / c.backwardFlops;
  const link = (bytes: number): number => c.latency + bytes / c.bandwidth;
  const kvTransfer = link(rows * (8 * hd + 4)); // K and V f32, positions u32
  const dkvTransfer = link(rows * 8 * hd);
  const R = c.ranks;
  const sends = R - 1; // the last step sends no K/V
  const forward = sends * Math.max(forwardCompute, kvTransfer) + forwardCompute + R * c.stepOverhead;
  const backward = sends * Math.max(backwardCompute, kvTransfer) + backwardCompute + R * (dkvTransfer + c.stepOverhead);
  const pairs = (c.seqLen * c.seqLen) / 2;
  // 2HD·n²/F ≥ α + 8HD·n/β, solved for n (the +4 bytes of positions per row ignored).
  const a = (2 * hd) / c.forwardFlops;
  const b = (8 * hd) / c.bandwidth;
  const hideRowsForward = (b + Math.sqrt(b * b + 4 * a * c.latency)) / (2 * a);
  return {
    rows,
    forwardCompute,
    backwardCompute,
    kvTransfer,
    dkvTransfer,
    kvHiddenForward: kvTransfer <= forwardCompute,
    kvHiddenBackward: kvTransfer <= backwardCompute,
    forward: R > 1 ? forward : forwardCompute + c.stepOverhead,
    backward: R > 1 ? backward : backwardCompute + c.stepOverhead,
    singleForward: (FLOPS_PER_PAIR.forward * hd * pairs) / c.forwardFlops,
    singleBackward: (FLOPS_PER_PAIR.backward * hd * pairs) / c.backwardFlops,
    hideRowsForward,
  };
}
