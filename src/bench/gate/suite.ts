// One pass of the gate's counts-and-quality suite: every stage in pipeline order. Its extract's raw
// files stay in `workDir` when one is given: the paired timings build their stores from them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gpu } from '../../kernels/index.ts';
import { kernelsStage, type DispatchCounter } from './kernels.ts';
import type { GateStage, Measurement } from './metric.ts';
import { featuresStage, forecastStage, ingestStage, trainStage } from './stages.ts';

export interface SuiteOptions {
  readonly gpu: Gpu;
  readonly counter: DispatchCounter;
  readonly stages: ReadonlySet<GateStage>;
  /** Folder for the stages' files, kept afterwards; a temporary one, removed, when absent. */
  readonly workDir?: string;
}

export interface SuiteRun {
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

/**
 * Runs the selected stages once; a failed stage is recorded and the stages after it that need its output are skipped.
 */
export async function runSuite(o: SuiteOptions, onlyKernels?: ReadonlySet<string>): Promise<SuiteRun> {
  const run: SuiteRun = { measurements: [], stageErrors: new Map() };
  const dir = o.workDir ?? mkdtempSync(join(tmpdir(), 'wattring-gate-'));
  const chain: [GateStage, StageFn][] = [
    ['ingest', (d) => ingestStage(d)],
    ['features', (d) => featuresStage(d)],
    ['kernels', () => kernelsStage(o.gpu, o.counter, onlyKernels)],
    ['train', (d) => trainStage(d)],
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
    if (!o.workDir) rmSync(dir, { recursive: true, force: true });
  }
  return run;
}
