// Reads the JSON of scripts/ring-link-sweep.sh and prints, per T and link, the measured pass times
// of `bench ring --transport process` beside the cost model's (src/ring/cost-model.ts). The model
// is calibrated on the unshaped run of the same T only: its per-step compute (median of the ranks'
// step compute intervals) gives the device's FLOP rate, and what the unshaped pass took beyond
// compute and transfers gives the per-step host cost. Pass times are the fastest of the timed rounds
// (the fastest round is the least disturbed on a shared host: docs/measurements.md, "Ring cost
// table"); medians are shown beside them. Then the predictions for 8 GPUs in one host
// and 4 hosts × 8 GPUs (docs/ring.md). Usage: npx tsx scripts/ring-cost-table.ts DIR
import { FLOPS_PER_PAIR, ringCost, type RingCostInput } from '../src/ring/cost-model.ts';
import { calibrate, readRuns } from './ring-cost-calibration.ts';

const dir = process.argv[2] ?? 'bench/results/ring-process-links';
const runs = readRuns(dir);

const ms = (s: number): string => (s * 1e3).toFixed(1);
console.log('| run | fwd fastest (median) | fwd model | bwd fastest (median) | bwd model | K/V hidden (model) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const T of [...new Set([...runs.values()].map((r) => r.config.seqLen))].sort((a, b) => a - b)) {
  const base = runs.get(`T${T}-none`);
  if (!base) continue;
  const cal = calibrate(base);
  for (const [name, run] of [...runs].filter(([n]) => n.startsWith(`T${T}-`))) {
    const link = run.config.link;
    const shaped: RingCostInput = link
      ? {
          ...cal,
          bandwidth: (link.bandwidthGBps ?? Number.POSITIVE_INFINITY) * 1e9,
          latency: Math.max(cal.latency, (link.latencyUs ?? 0) / 1e6),
        }
      : cal;
    const m = ringCost(shaped);
    const backward = m.backward + cal.backwardExtra;
    console.log(
      `| ${name} | ${run.ring.forward.minMs.toFixed(1)} (${run.ring.forward.medianMs.toFixed(1)}) | ` +
        `${ms(m.forward)} | ` +
        `${run.ring.backward.minMs.toFixed(1)} (${run.ring.backward.medianMs.toFixed(1)}) | ` +
        `${ms(backward)} | ${m.kvHiddenForward ? 'yes' : 'no'} |`,
    );
  }
  console.log(
    `| (T=${T} calibration) | compute/step fwd ${ms(ringCost(cal).forwardCompute)} ms, ` +
      `bwd ${ms(ringCost(cal).backwardCompute)} ms; ` +
      `unshaped transfer ${ms(cal.latency)} ms; host/step fwd ${ms(cal.stepOverhead)} ms, ` +
      `bwd ${ms(cal.stepOverhead + cal.backwardExtra / cal.ranks)} ms | | | | |`,
  );
}

// On paper: the bench shape (H = 4, D = 32) on GPUs with this project's WGSL kernels, at the H200's
// measured single-device rates (bench/results/ring-h200-2026-11-26.json: T = 8,760 forward 6 ms,
// backward 9 ms), and links staged through host memory.
const h200 = { T: 8760, fwdMs: 6, bwdMs: 9 };
const pairs = (h200.T * h200.T) / 2;
const gpu = {
  heads: 4,
  headDim: 32,
  forwardFlops: (FLOPS_PER_PAIR.forward * 128 * pairs) / (h200.fwdMs / 1e3),
  backwardFlops: (FLOPS_PER_PAIR.backward * 128 * pairs) / (h200.bwdMs / 1e3),
  stepOverhead: 0.5e-3,
};
const systems = [
  { name: '8 GPUs, one host (PCIe staging 25 GB/s, 50 µs)', ranks: 8, bandwidth: 25e9, latency: 50e-6 },
  { name: '4 hosts × 8 GPUs (slowest hop 100 Gbit/s, 70 µs)', ranks: 32, bandwidth: 12.5e9, latency: 70e-6 },
];
console.log(
  '\n| system | T | rows/rank | fwd step compute | K/V transfer | hidden | fwd | bwd | 1 GPU fwd+bwd | speed-up |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const s of systems)
  for (const T of [8760, 87600]) {
    const c = ringCost({ ...gpu, seqLen: T, ranks: s.ranks, bandwidth: s.bandwidth, latency: s.latency });
    const one = c.singleForward + c.singleBackward;
    console.log(
      `| ${s.name} | ${T} | ${c.rows} | ${ms(c.forwardCompute)} ms | ${ms(c.kvTransfer)} ms | ` +
        `${c.kvHiddenForward ? 'yes' : 'no'} | ${ms(c.forward)} ms | ${ms(c.backward)} ms | ${ms(one)} ms | ` +
        `${(one / (c.forward + c.backward)).toFixed(1)}× |`,
    );
  }
console.log(
  `\nGPU rates used: forward ${(gpu.forwardFlops / 1e12).toFixed(2)} TFLOP/s, ` +
    `backward ${(gpu.backwardFlops / 1e12).toFixed(2)} TFLOP/s; host 0.5 ms per step (assumed)`,
);
