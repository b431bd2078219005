// The frozen calibration of `bench gate`: bench/calibration/calibration.wgsl on the adapter and the
// fixed CPU loop of bench/calibration/cpu-loop.ts, each timed as tinybench tasks (best sample).
import { readFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { cpuCalibrationUnit } from '../../../bench/calibration/cpu-loop.ts';
import { uploadF32, zerosF32, type Gpu } from '../../kernels/index.ts';

const SHADER = new URL('../../../bench/calibration/calibration.wgsl', import.meta.url);
/** Invocations of one calibration dispatch: 64 Ki × 512 multiply-adds. */
const ELEMENTS = 65536;

/** Calibrates before and after `fn` (which runs in another process) and keeps the faster of each. */
export async function bracketed<T>(
  gpu: Gpu,
  samples: number,
  fn: () => Promise<T>,
): Promise<{ value: T; calibration: Calibration }> {
  const before = await measureCalibration(gpu, samples);
  const value = await fn();
  const after = await measureCalibration(gpu, samples);
  return {
    value,
    calibration: {
      cpuSeconds: Math.min(before.cpuSeconds, after.cpuSeconds),
      gpuSeconds: Math.min(before.gpuSeconds, after.gpuSeconds),
    },
  };
}

export interface Calibration {
  /** Best wall seconds of one fixed CPU loop unit (tinybench minimum). */
  readonly cpuSeconds: number;
  /** Best wall seconds of one calibration dispatch, submit to onSubmittedWorkDone. */
  readonly gpuSeconds: number;
}

/** Best sample of one tinybench task, in seconds. */
async function bestSeconds(name: string, fn: () => unknown, iterations: number): Promise<number> {
  const bench = new Bench({ iterations, time: 0, warmup: true, warmupIterations: 2, warmupTime: 0 });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0]?.result;
  if (!r || r.state !== 'completed')
    throw new Error(`calibration task ${name} did not complete (${r?.state ?? 'no result'})`);
  return r.latency.min / 1e3;
}

function gpuCalibrationRun(gpu: Gpu): { run: () => Promise<void>; destroy: () => void } {
  const device = gpu.device;
  const module = device.createShaderModule({ label: 'gate-calibration', code: readFileSync(SHADER, 'utf8') });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const src = uploadF32(
    gpu,
    new Float32Array(ELEMENTS).map((_, i) => ((i % 97) - 48) / 64),
  );
  const dst = zerosF32(gpu, ELEMENTS);
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: src } },
      { binding: 1, resource: { buffer: dst } },
    ],
  });
  const run = async (): Promise<void> => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(ELEMENTS / 64);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
  return {
    run,
    destroy: () => {
      src.destroy();
      dst.destroy();
    },
  };
}

/** Best wall seconds (and best adapter CPU seconds, when `cpuClock` is given) of a task and the calibration. */
export interface PairedTiming {
  readonly seconds: number;
  readonly calibrationSeconds: number;
  readonly cpu?: { readonly seconds: number; readonly calibrationSeconds: number };
}

/** Wall seconds a timed sample lasts at least (its task repeated as often as that takes). */
const UNIT_SECONDS = 0.1;

/** How often `fn` must run back to back to last UNIT_SECONDS (from one timed call after a warm-up). */
async function repetitionsFor(fn: () => Promise<void>): Promise<number> {
  await fn();
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1e3;
  return Math.max(1, Math.min(1000, Math.ceil(UNIT_SECONDS / Math.max(s, 1e-6))));
}

function repeated(fn: () => Promise<void>, k: number): () => Promise<void> {
  return async () => {
    for (let i = 0; i < k; i++) await fn();
  };
}

/** `fn` wrapped so each call keeps the least adapter CPU time any call took in `best.value`. */
function cpuTimed(fn: () => Promise<void>, clock: () => number, best: { value: number }): () => Promise<void> {
  return async () => {
    const c0 = clock();
    await fn();
    best.value = Math.min(best.value, clock() - c0);
  };
}

/**
 * Best seconds of `fn` and of the GPU calibration, measured in alternating rounds of one tinybench
 * suite (2 samples each per round), so both see the same contention: the ratio is what gates.
 * Times are per call of `fn` (a sample of k back-to-back calls, divided by k).
 * With `cpuClock` (a CPU adapter, see adapter-cpu.ts) the same samples also keep the best adapter
 * CPU seconds of each.
 */
export async function pairedWithGpuCalibration(
  gpu: Gpu,
  name: string,
  fn: () => Promise<void>,
  rounds: number,
  cpuClock?: () => number,
): Promise<PairedTiming> {
  const g = gpuCalibrationRun(gpu);
  let seconds = Number.POSITIVE_INFINITY;
  let calibrationSeconds = Number.POSITIVE_INFINITY;
  const cpuTask = { value: Number.POSITIVE_INFINITY };
  const cpuCalibration = { value: Number.POSITIVE_INFINITY };
  try {
    // Each sample repeats its task to at least UNIT_SECONDS of wall time: a quick case ran a few
    // ms, where submit latency and the driver's wake-ups were much of what was measured.
    const kCal = await repetitionsFor(g.run);
    const kTask = await repetitionsFor(fn);
    const calibUnit = repeated(g.run, kCal);
    const taskUnit = repeated(fn, kTask);
    const calib = cpuClock ? cpuTimed(calibUnit, cpuClock, cpuCalibration) : calibUnit;
    const task = cpuClock ? cpuTimed(taskUnit, cpuClock, cpuTask) : taskUnit;
    for (let i = 0; i < rounds; i++) {
      const bench = new Bench({ iterations: 2, time: 0, warmup: false, throws: true });
      bench.add('calibration calibration.wgsl', calib).add(name, task);
      await bench.run();
      const [c, t] = bench.tasks.map((tk) =>
        tk.result.state === 'completed' ? tk.result.latency.min / 1e3 : Number.NaN,
      );
      calibrationSeconds = Math.min(calibrationSeconds, (c ?? Number.NaN) / kCal);
      seconds = Math.min(seconds, (t ?? Number.NaN) / kTask);
    }
    cpuCalibration.value /= kCal;
    cpuTask.value /= kTask;
  } finally {
    g.destroy();
  }
  if (!Number.isFinite(seconds) || !Number.isFinite(calibrationSeconds))
    throw new Error(`tinybench tasks ${name} / calibration did not complete`);
  const cpu =
    cpuClock && Number.isFinite(cpuTask.value) && cpuCalibration.value > 0
      ? { cpu: { seconds: cpuTask.value, calibrationSeconds: cpuCalibration.value } }
      : {};
  return { seconds, calibrationSeconds, ...cpu };
}

/** Measures both calibrations; `samples` tinybench iterations each. */
export async function measureCalibration(gpu: Gpu, samples: number): Promise<Calibration> {
  const cpuSeconds = await bestSeconds('calibration cpu-loop', cpuCalibrationUnit, samples);
  const g = gpuCalibrationRun(gpu);
  try {
    const gpuSeconds = await bestSeconds('calibration calibration.wgsl', g.run, samples);
    return { cpuSeconds, gpuSeconds };
  } finally {
    g.destroy();
  }
}
