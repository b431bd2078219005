// The cost model's prediction for one `bench ring --transport process --json` run (docs/ring.md,
// "R = 4 and T = 8,760"), beside what it measured. Nothing of the predicted run's process-mode
// figures goes into the model: the device's FLOP rate comes from the shared-mode passes the same
// launcher measured at the same shape (one device running every rank's blocks; on a CPU adapter the
// R rank processes share the same cores, so each rank gets 1/R of that rate), and the per-step host
// cost and the transfer latency from another, unshaped run (CALIBRATION, as scripts/ring-cost-table.ts
// calibrates). Loopback bandwidth is taken as unlimited (the latency is a measured small-block
// transfer); the measured per-block transfer time is printed beside it to check that.
// Usage: npx tsx scripts/ring-process-prediction.ts RUN.json CALIBRATION.json
import { FLOPS_PER_PAIR, ringCost } from '../src/ring/cost-model.ts';
import { calibrate, median, readRun } from './ring-cost-calibration.ts';

const [runFile, calFile] = process.argv.slice(2);
if (!runFile || !calFile) {
  console.error('usage: npx tsx scripts/ring-process-prediction.ts RUN.json CALIBRATION.json');
  process.exit(2);
}
const run = readRun(runFile);
const cal = calibrate(readRun(calFile));
if (!run.shared) {
  console.error(`${runFile}: no shared-mode passes (run without --no-baseline)`);
  process.exit(2);
}
const c = run.config;
const hd = c.heads * c.headDim;
const pairs = (c.seqLen * c.seqLen) / 2;
const rate = (perPair: number, ms: number): number => (perPair * hd * pairs) / (ms / 1e3) / c.ranks;
const model = ringCost({
  seqLen: c.seqLen,
  ranks: c.ranks,
  heads: c.heads,
  headDim: c.headDim,
  forwardFlops: rate(FLOPS_PER_PAIR.forward, run.shared.forward.minMs),
  backwardFlops: rate(FLOPS_PER_PAIR.backward, run.shared.backward.minMs),
  bandwidth: Number.POSITIVE_INFINITY,
  latency: cal.latency,
  stepOverhead: cal.stepOverhead,
});
const backwardModel = model.backward + (cal.backwardExtra / cal.ranks) * c.ranks;
const fmt = (ms: number): string => ms.toLocaleString('en-US', { maximumFractionDigits: ms < 100 ? 1 : 0 });
const pct = (a: number, b: number): string => `${(100 * (a / b - 1)).toFixed(1)} %`;
const kv = run.steps.filter((s) => s.pass === 'forward' && s.bytesSent > 0);
const dkv = run.steps.filter((s) => s.pass === 'backward' && s.bytesSent > 0);
console.log(
  `T = ${c.seqLen}, R = ${c.ranks}, H = ${c.heads}, D = ${c.headDim}, ${c.reps} timed rounds; ` +
    `calibration ${calFile} (host/step ${(cal.stepOverhead * 1e3).toFixed(1)} ms, ` +
    `latency ${(cal.latency * 1e3).toFixed(1)} ms)`,
);
console.log(
  '| pass | process fastest (median) | model | shared fastest (median) | ' +
    'process/shared − 1 (fastest) | model/shared − 1 |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [pass, m] of [
  ['forward', model.forward],
  ['backward', backwardModel],
] as const) {
  const p = run.ring[pass];
  const s = run.shared[pass];
  console.log(
    `| ${pass} | ${fmt(p.minMs)} (${fmt(p.medianMs)}) ms | ${fmt(m * 1e3)} ms | ` +
      `${fmt(s.minMs)} (${fmt(s.medianMs)}) ms | ` +
      `${pct(p.minMs, s.minMs)} | ${pct(m * 1e3, s.minMs)} |`,
  );
}
console.log(
  `per step: model compute fwd ${fmt(model.forwardCompute * 1e3)} ms, bwd ${fmt(model.backwardCompute * 1e3)} ms ` +
    `(measured median ${fmt(median(run.steps.filter((s) => s.pass === 'forward').map((s) => s.computeMs)))} / ` +
    `${fmt(median(run.steps.filter((s) => s.pass === 'backward').map((s) => s.computeMs)))} ms); ` +
    `K/V block ${(model.kvTransfer * 1e3).toFixed(1)} ms in the model, measured median ` +
    `${median(kv.map((s) => s.transferMs)).toFixed(1)} ms ` +
    `(${(median(kv.map((s) => s.bytesSent)) / 2 ** 20).toFixed(2)} MiB); ` +
    `dK/dV ${median(dkv.map((s) => s.transferMs)).toFixed(1)} ms; ` +
    `K/V hidden in the model: ${model.kvHiddenForward ? 'yes' : 'no'}`,
);
const comm = run.communication;
console.log(
  `moved ${(comm.forward.bytesMoved / 2 ** 20).toFixed(2)} + ${(comm.backward.bytesMoved / 2 ** 20).toFixed(2)} MiB; ` +
    `overlap fwd ${(100 * comm.forward.overlapFraction).toFixed(1)} %, ` +
    `bwd ${(100 * comm.backward.overlapFraction).toFixed(1)} %; ` +
    `exposed fwd ${fmt(comm.forward.exposedMs)} ms, bwd ${fmt(comm.backward.exposedMs)} ms`,
);
