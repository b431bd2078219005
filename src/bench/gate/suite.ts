// One pass of the gate's suite (calibration, then every stage in pipeline order), and the
// confirmation pass that re-measures only the stages whose timings looked regressed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gpu } from '../../kernels/index.ts';
import { measureCalibration, type Calibration } from './calibration.ts';
import { kernelsStage, type DispatchCounter } from './kernels.ts';
import type { GateStage, Measurement } from './metric.ts';
import { featuresStage, forecastStage, ingestStage, trainStage } from './stages.ts';

export interface SuiteOptions {
  readonly gpu: Gpu;
  readonly counter: DispatchCounter;
  /** tinybench samples per timed task (calibration and each kernel case). */
  readonly samples: number;
  readonly stages: ReadonlySet<GateStage>;
}

export interface SuiteRun {
  readonly calibration: Calibration;
  readonly measurements: Measurement[];
  readonly stageErrors: Map<string, string>;
}

type StageFn = (dir: string) => Promise<Measurement[]>;

async function attempt(stage: GateStage, fn: StageFn, dir: string, run: SuiteRun): Promise<void> {
  process.stderr.write(`gate: ${stage} …\n`);
  try {
    run.measurements.push(...(await fn(dir)));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    run.stageErrors.set(stage, message);
    process.stderr.write(`gate: ${stage} failed: ${message}\n`);
  }
}

/** Runs the selected stages once; a failed stage is recorded and the stages after it that need its output are skipped. */
export async function runSuite(o: SuiteOptions, onlyKernels?: ReadonlySet<string>): Promise<SuiteRun> {
  const calibration = await measureCalibration(o.gpu, o.samples);
  const run: SuiteRun = { calibration, measurements: [], stageErrors: new Map() };
  const dir = mkdtempSync(join(tmpdir(), 'wattring-gate-'));
  const chain: [GateStage, StageFn][] = [
    ['ingest', (d) => ingestStage(d, o.gpu, o.samples)],
    ['features', (d) => featuresStage(d, o.gpu, o.samples)],
    ['kernels', () => kernelsStage(o.gpu, o.counter, o.samples, onlyKernels)],
    ['train', (d) => trainStage(d, o.gpu, o.samples)],
    ['forecast', (d) => forecastStage(d)],
  ];
  const needs: Partial<Record<GateStage, GateStage>> = { features: 'ingest', train: 'features', forecast: 'train' };
  try {
    for (const [stage, fn] of chain) {
      if (!o.stages.has(stage)) continue;
      const need = needs[stage];
      if (need && !o.stages.has(need)) {
        run.stageErrors.set(stage, `needs stage ${need}, which --stages left out`);
        continue;
      }
      if (need && run.stageErrors.has(need)) {
        run.stageErrors.set(stage, `not run: stage ${need} failed`);
        continue;
      }
      await attempt(stage, fn, dir, run);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return run;
}

/** The stages (with their upstream stages) and kernel cases that a confirmation pass must re-run. */
export function confirmationScope(regressedTimings: readonly Measurement[]): {
  stages: Set<GateStage>;
  kernels: Set<string>;
} {
  const stages = new Set<GateStage>();
  const kernels = new Set<string>();
  const upstream: Record<GateStage, GateStage[]> = {
    ingest: ['ingest'],
    features: ['ingest', 'features'],
    kernels: ['kernels'],
    train: ['ingest', 'features', 'train'],
    forecast: ['ingest', 'features', 'train', 'forecast'],
  };
  for (const m of regressedTimings) {
    for (const s of upstream[m.stage]) stages.add(s);
    if (m.stage === 'kernels') kernels.add(m.id.slice('kernels.'.length).replace(/\.speed$/, ''));
  }
  return { stages, kernels };
}
