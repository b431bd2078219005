// `bench gate`: the CI performance-regression gate over every stage — counts, quality and timing
// ratios to a frozen calibration, against a committed baseline (bench/baselines/gate.json).
import { cpus, hostname } from 'node:os';
import { mkdirSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UsageError } from '../../core/index.ts';
import { formatAdapter, isCpuAdapter, openGpu } from '../../kernels/index.ts';
import { defineCommand } from '../command.ts';
import {
  BASELINE_SCHEMA,
  readGateBaseline,
  thresholdFor,
  writeGateBaseline,
  type GateBaseline,
} from '../gate/baseline.ts';
import { compare, keepBest, type Verdict } from '../gate/compare.ts';
import { DispatchCounter } from '../gate/kernels.ts';
import { GATE_STAGES, type GateStage, type Measurement } from '../gate/metric.ts';
import { failureLines, formatTable, markdownSummary, stageSvg } from '../gate/report.ts';
import { confirmationScope, runSuite, type SuiteOptions, type SuiteRun } from '../gate/suite.ts';

interface GateArgs {
  baseline: string;
  'write-baseline': boolean;
  runs: number;
  confirm: number;
  samples: number;
  stages: string | undefined;
  'report-dir': string;
  adapter: string | undefined;
  backend: string | undefined;
}

function stagesOf(flag: string | undefined): Set<GateStage> {
  if (flag === undefined) return new Set(GATE_STAGES);
  const out = new Set<GateStage>();
  for (const s of flag.split(',').map((x) => x.trim())) {
    const found = GATE_STAGES.find((g) => g === s);
    if (!found)
      throw new UsageError(
        'GATE_BAD_FLAG',
        `--stages: unknown stage '${s}'; expected a comma list of ${GATE_STAGES.join(', ')}`,
      );
    out.add(found);
  }
  return out;
}

function checkArgs(a: GateArgs): void {
  for (const [flag, v, min] of [
    ['--runs', a.runs, 1],
    ['--confirm', a.confirm, 0],
    ['--samples', a.samples, 3],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new UsageError('GATE_BAD_FLAG', `${flag} ${v}: expected an integer >= ${min}`);
  }
}

/** Adapter class: the adapter's name before its driver details (`llvmpipe`, `NVIDIA H200`). */
export function adapterClass(description: string): string {
  return (description.split(':')[0] ?? description).trim() || description;
}

async function writeBaseline(a: GateArgs, o: SuiteOptions, description: string): Promise<number> {
  const runs: SuiteRun[] = [];
  for (let i = 0; i < a.runs; i++) {
    process.stderr.write(`gate: baseline run ${i + 1}/${a.runs}\n`);
    const r = await runSuite(o);
    if (r.stageErrors.size)
      throw new UsageError(
        'GATE_BASELINE_RUN_FAILED',
        `cannot write ${a.baseline}: ${[...r.stageErrors].map(([s, e]) => `${s}: ${e}`).join('; ')}`,
      );
    runs.push(r);
  }
  const first = runs[0]?.measurements ?? [];
  const metrics = first.map((m) => {
    const samples = runs.map((r) => r.measurements.find((x) => x.id === m.id)?.value ?? Number.NaN);
    const t = thresholdFor(m, samples, isCpuAdapter({ description, architecture: '' }));
    return {
      id: m.id,
      stage: m.stage,
      kind: m.kind,
      unit: m.unit,
      better: m.better,
      value: t.value,
      threshold: t.threshold,
      spread: t.spread,
      gated: t.gated,
      samples,
    };
  });
  const baseline: GateBaseline = {
    schema: BASELINE_SCHEMA,
    createdAt: new Date().toISOString(),
    machine: {
      hostname: hostname(),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    adapter: { description, class: adapterClass(description) },
    runs: a.runs,
    metrics,
  };
  writeGateBaseline(a.baseline, baseline);
  process.stderr.write(`gate: wrote ${a.baseline} (${metrics.length} metrics, ${a.runs} runs)\n`);
  for (const m of metrics)
    process.stderr.write(
      `  ${m.id.padEnd(64)} ${m.kind.padEnd(7)} median ${m.value.toPrecision(5).padStart(12)}  spread ${(m.spread * 100).toFixed(1).padStart(6)} %  threshold abs ${m.threshold.abs} rel ${m.threshold.rel.toFixed(3)}${m.gated ? '' : ' (not gated: noisy, or a CPU adapter)'}\n`,
    );
  return ExitCode.ok;
}

/** Re-measures the stages whose timings regressed, up to `confirm` times, keeping each timing's best. */
async function confirmTimings(
  o: SuiteOptions,
  baseline: GateBaseline,
  first: SuiteRun,
  cls: string,
  confirm: number,
): Promise<{ measurements: Measurement[]; verdicts: Verdict[]; confirmations: number }> {
  let measurements = first.measurements;
  let verdicts = compare(baseline, measurements, {
    adapterClass: cls,
    stageErrors: first.stageErrors,
    stages: o.stages,
  });
  let confirmations = 0;
  for (let i = 0; i < confirm; i++) {
    const ids = new Set(verdicts.filter((v) => v.kind === 'regressed' && v.base.kind === 'timing').map((v) => v.id));
    if (ids.size === 0) break;
    const scope = confirmationScope(measurements.filter((m) => ids.has(m.id)));
    process.stderr.write(
      `gate: confirming ${ids.size} timing regression(s) by re-measurement (${i + 1}/${confirm}): ${[...ids].join(', ')}\n`,
    );
    const again = await runSuite({ ...o, stages: scope.stages }, scope.kernels.size ? scope.kernels : undefined);
    measurements = keepBest(measurements, again.measurements);
    verdicts = compare(baseline, measurements, { adapterClass: cls, stageErrors: first.stageErrors, stages: o.stages });
    confirmations++;
  }
  return { measurements, verdicts, confirmations };
}

function writeReports(
  dir: string,
  verdicts: readonly Verdict[],
  header: { adapter: string; baseline: string; seconds: number },
): string {
  mkdirSync(dir, { recursive: true });
  const md = markdownSummary(verdicts, header);
  writeFileSync(join(dir, 'summary.md'), md);
  for (const s of GATE_STAGES) writeFileSync(join(dir, `${s}.svg`), stageSvg(s, verdicts));
  const ci = process.env.GITHUB_STEP_SUMMARY;
  if (ci) appendFileSync(ci, md);
  return md;
}

export default defineCommand({
  command: 'gate',
  describe:
    'CI performance-regression gate: counts, quality and calibrated timing ratios of every stage vs a committed baseline',
  builder: (y) =>
    y
      .option('baseline', {
        type: 'string',
        default: 'bench/baselines/gate.json',
        describe: 'Baseline file to compare with (or to write with --write-baseline)',
      })
      .option('write-baseline', {
        type: 'boolean',
        default: false,
        describe: 'Measure --runs times and write the baseline (values, spread, thresholds) instead of gating',
      })
      .option('runs', {
        type: 'number',
        default: 5,
        describe: 'Runs measured for --write-baseline (thresholds come from their spread)',
      })
      .option('confirm', {
        type: 'number',
        default: 2,
        describe: 'Re-measurements of an apparent timing regression before it fails (best kept)',
      })
      .option('samples', {
        type: 'number',
        default: 7,
        describe: 'tinybench samples per timed task (calibration, each kernel case)',
      })
      .option('stages', {
        type: 'string',
        describe: `Comma list of stages to run (default all: ${GATE_STAGES.join(',')}); baseline metrics of others are missing`,
      })
      .option('report-dir', {
        type: 'string',
        default: 'out/gate',
        describe: 'Folder for summary.md and one SVG per stage',
      })
      .option('adapter', { type: 'string', describe: 'WebGPU adapter name substring (see bench adapters)' })
      .option('backend', { type: 'string', describe: 'Dawn backend: vulkan, metal, d3d12, …' }),
  run: async (a: GateArgs & { json: boolean }) => {
    checkArgs(a);
    const stages = stagesOf(a.stages);
    const baseline = a['write-baseline'] ? undefined : readGateBaseline(a.baseline);
    const started = performance.now();
    const gpu = await openGpu({
      ...(a.adapter ? { name: a.adapter } : {}),
      ...(a.backend ? { backend: a.backend } : {}),
    });
    try {
      const description = gpu.adapter.description;
      process.stderr.write(`gate: adapter ${formatAdapter(gpu.adapter)}\n`);
      const o: SuiteOptions = { gpu, counter: new DispatchCounter(gpu), samples: a.samples, stages };
      if (!baseline) return await writeBaseline(a, o, description);
      const cls = adapterClass(description);
      if (cls !== baseline.adapter.class)
        process.stderr.write(
          `gate: adapter class ${cls} differs from the baseline's ${baseline.adapter.class}: timings and kernel counts are not gated; other counts and quality are\n`,
        );
      const first = await runSuite(o);
      const { verdicts, confirmations } = await confirmTimings(o, baseline, first, cls, a.confirm);
      const seconds = (performance.now() - started) / 1e3;
      process.stderr.write(`${formatTable(verdicts)}\n`);
      writeReports(a['report-dir'], verdicts, { adapter: description, baseline: a.baseline, seconds });
      const failures = failureLines(verdicts);
      for (const f of failures) process.stderr.write(`gate: ${f}\n`);
      process.stderr.write(
        `gate: ${failures.length === 0 ? 'passed' : `FAILED: ${failures.length} metric(s)`} in ${seconds.toFixed(0)} s (${confirmations} confirmation pass(es)); report in ${a['report-dir']}/summary.md\n`,
      );
      if (a.json)
        process.stdout.write(
          `${JSON.stringify({ schema: 'wattring.bench.gate/1', adapter: description, adapterClass: cls, baseline: a.baseline, baselineClass: baseline.adapter.class, seconds, confirmations, calibration: first.calibration, passed: failures.length === 0, failures, verdicts: verdicts.map(jsonVerdict) }, null, 2)}\n`,
        );
      return failures.length === 0 ? ExitCode.ok : ExitCode.failed;
    } finally {
      gpu.destroy();
    }
  },
});

function jsonVerdict(v: Verdict): Record<string, unknown> {
  if (v.kind === 'new') return { kind: v.kind, id: v.id, value: v.measurement.value, unit: v.measurement.unit };
  const base = { kind: v.kind, id: v.id, metricKind: v.base.kind, unit: v.base.unit, baseline: v.base.value };
  if (v.kind === 'missing') return { ...base, reason: v.reason };
  if (v.kind === 'skipped') return { ...base, value: v.value, reason: v.reason };
  return { ...base, value: v.value, threshold: v.threshold, gated: v.base.gated };
}
