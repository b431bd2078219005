// The communication log's arithmetic: overlap is the share of transfer time inside the compute
// interval, exposed time is what a rank waited after computing, and pass totals add up.
import { describe, expect, it } from 'vitest';
import { overlapMs, stepRecord, summarizePass, type StepPlan } from '../../src/ring/index.ts';

const plan = (step: number, rank: number): StepPlan => ({
  step,
  rank,
  origin: rank,
  pairs: [{ qSegment: 0, kSegment: 0 }],
  skippedPairs: 1,
  computedScores: 100,
  unmaskedScores: 55,
});
const send = (startMs: number, endMs: number, bytes = 1000) => ({ from: 0, to: 1, bytes, startMs, endMs });

describe('ring communication log', () => {
  it('intersects intervals', () => {
    expect(overlapMs({ startMs: 0, endMs: 10 }, { startMs: 5, endMs: 20 })).toBe(5);
    expect(overlapMs({ startMs: 0, endMs: 10 }, { startMs: 10, endMs: 20 })).toBe(0);
  });

  it('a transfer inside the compute is fully hidden; one that outlasts it is exposed', () => {
    const compute = { startMs: 0, endMs: 10 };
    const hidden = stepRecord('forward', plan(0, 0), compute, [send(2, 6)]);
    expect(hidden).toMatchObject({ bytesSent: 1000, transferMs: 4, computeMs: 10, overlapFraction: 1, exposedMs: 0 });
    const late = stepRecord('forward', plan(0, 1), compute, [send(5, 15)]);
    expect(late).toMatchObject({ transferMs: 10, overlapFraction: 0.5, exposedMs: 5 });
    const none = stepRecord('forward', plan(1, 0), compute, []);
    expect(none).toMatchObject({
      bytesSent: 0,
      overlapFraction: 1,
      exposedMs: 0,
      pairs: 1,
      skippedPairs: 1,
      unmaskedScores: 55,
    });
  });

  it('pass totals: bytes and transfer time add, exposed time is the slowest rank per step', () => {
    const compute = { startMs: 0, endMs: 10 };
    const records = [
      stepRecord('backward', plan(0, 0), compute, [send(0, 12, 100)]),
      stepRecord('backward', plan(0, 1), compute, [send(0, 14, 100)]),
      stepRecord('backward', plan(1, 0), compute, [send(0, 10, 100)]),
      stepRecord('forward', plan(0, 0), compute, [send(0, 4, 7)]),
    ];
    const s = summarizePass('backward', records);
    expect(s).toMatchObject({ pass: 'backward', steps: 2, bytesMoved: 300, transferMs: 36, exposedMs: 4 });
    expect(s.overlapFraction).toBeCloseTo(30 / 36, 12);
  });
});
