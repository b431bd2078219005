// Shared helpers of the ring tests: seeded inputs and a ring run that returns host results.
import { seededValues } from '../../src/bench/ring/measure.ts';
import {
  createRingAttention,
  type RingConfig,
  type RingTransport,
  type StepRecord,
} from '../../src/ring/index.ts';

/** Deterministic values in [-1, 1) (the bench's LCG), so failures reproduce. */
export const seeded = seededValues;

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
  return { q: seeded(n, c.seed), k: seeded(n, c.seed + 1), v: seeded(n, c.seed + 2), dO: seeded(n, c.seed + 3) };
}

/** Forward + backward through the ring on `transport`; frees the ring's buffers afterwards. */
export async function runRing(transport: RingTransport, config: RingConfig, x: ReturnType<typeof caseInputs>): Promise<RingRun> {
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
