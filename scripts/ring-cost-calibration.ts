// The cost model's inputs from measured `bench ring --transport process --json` runs, shared by
// scripts/ring-cost-table.ts and scripts/ring-process-prediction.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../src/core/index.ts';
import { FLOPS_PER_PAIR, ringCost, type RingCostInput } from '../src/ring/cost-model.ts';

export interface Step {
  pass: string;
  computeMs: number;
  transferMs: number;
  bytesSent: number;
}
interface PassTiming {
  medianMs: number;
  minMs: number;
}
export interface PassSummary {
  bytesMoved: number;
  transferMs: number;
  overlapFraction: number;
  exposedMs: number;
}
export interface Run {
  config: {
    seqLen: number;
    ranks: number;
    heads: number;
    headDim: number;
    reps: number;
    link?: { bandwidthGBps?: number; latencyUs?: number };
  };
  ring: { forward: PassTiming; backward: PassTiming };
  shared?: { forward: PassTiming; backward: PassTiming };
  overheadVsSharedPct?: { forward: number; backward: number; total: number };
  communication: { forward: PassSummary; backward: PassSummary; bytesMoved: number };
  steps: Step[];
}

export { median };

export function readRun(file: string): Run {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Every non-empty `*.json` of a directory, by name without the extension. */
export function readRuns(dir: string): Map<string, Run> {
  const runs = new Map<string, Run>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    if (text.trim()) runs.set(f.replace(/\.json$/, ''), JSON.parse(text));
  }
  return runs;
}

/** The model's inputs from an unshaped run; `backwardExtra`: the backward's extra host time per pass. */
export function calibrate(base: Run): RingCostInput & { backwardExtra: number } {
  const c = base.config;
  const hd = c.heads * c.headDim;
  const pairsPerStep = (c.seqLen * c.seqLen) / (2 * c.ranks * c.ranks);
  const stepsOf = (pass: string) => base.steps.filter((s) => s.pass === pass);
  const cf = median(stepsOf('forward').map((s) => s.computeMs)) / 1e3;
  const cb = median(stepsOf('backward').map((s) => s.computeMs)) / 1e3;
  // Unshaped transfer (staging + loopback ZeroMQ) of one K/V block: its latency in the model.
  const kvSends = stepsOf('forward').filter((s) => s.bytesSent > 0);
  const latency = median(kvSends.map((s) => s.transferMs)) / 1e3;
  const input: RingCostInput = {
    seqLen: c.seqLen,
    ranks: c.ranks,
    heads: c.heads,
    headDim: c.headDim,
    forwardFlops: (FLOPS_PER_PAIR.forward * hd * pairsPerStep) / cf,
    backwardFlops: (FLOPS_PER_PAIR.backward * hd * pairsPerStep) / cb,
    bandwidth: Number.POSITIVE_INFINITY,
    latency,
    stepOverhead: 0,
  };
  const noHost = ringCost(input);
  const fwdOverhead = (base.ring.forward.minMs / 1e3 - noHost.forward) / c.ranks;
  const bwdOverhead = (base.ring.backward.minMs / 1e3 - noHost.backward) / c.ranks;
  return { ...input, stepOverhead: Math.max(0, fwdOverhead), backwardExtra: c.ranks * (bwdOverhead - fwdOverhead) };
}
