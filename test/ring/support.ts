// Shared helpers of the ring tests: seeded inputs (seededF32) and a ring run that returns host results.
import { seededF32 } from '../../src/core/index.ts';
import { attentionBackwardRef, attentionForwardRef, contiguousPositions } from '../../src/kernels/index.ts';
import { createRingAttention, type RingConfig, type RingTransport, type StepRecord } from '../../src/ring/index.ts';

export interface RingRun {
  readonly o: Float32Array;
  readonly lse: Float32Array;
  readonly dq: Float32Array;
  readonly dk: Float32Array;
  readonly dv: Float32Array;
  readonly forwardLog: StepRecord[];
  readonly backwardLog: StepRecord[];
}

export interface RingCase {
  readonly T: number;
  readonly H: number;
  readonly D: number;
  readonly seed: number;
}

export function caseInputs(c: RingCase): { q: Float32Array; k: Float32Array; v: Float32Array; dO: Float32Array } {
  const n = c.T * c.H * c.D;
  return {
    q: seededF32(n, c.seed),
    k: seededF32(n, c.seed + 1),
    v: seededF32(n, c.seed + 2),
    dO: seededF32(n, c.seed + 3),
  };
}

/** Forward + backward through the ring on `transport`; frees the ring's buffers afterwards. */
export async function runRing(
  transport: RingTransport,
  config: RingConfig,
  x: ReturnType<typeof caseInputs>,
): Promise<RingRun> {
  const ring = await createRingAttention(transport, config);
  try {
    ring.load(x);
    const forwardLog = await ring.forward();
    const { o, lse } = await ring.readOutput();
    ring.loadGrad(x.dO);
    const backwardLog = await ring.backward();
    const { dq, dk, dv } = await ring.readGrads();
    return { o, lse, dq, dk, dv, forwardLog, backwardLog };
  } finally {
    ring.destroy();
  }
}

/** Dense f64 attention over T contiguous rows (the kernels' reference): O, lse, dQ, dK, dV. */
export function denseReference(
  s: { readonly T: number; readonly H: number; readonly D: number; readonly causal: boolean },
  x: ReturnType<typeof caseInputs>,
): { o: Float64Array; lse: Float64Array; dq: Float64Array; dk: Float64Array; dv: Float64Array } {
  const config = { heads: s.H, headDim: s.D, causal: s.causal };
  const pos = contiguousPositions(s.T);
  const inputs = { q: x.q, k: x.k, v: x.v, qPos: pos, kPos: pos };
  return { ...attentionForwardRef(config, inputs), ...attentionBackwardRef(config, inputs, x.dO) };
}
