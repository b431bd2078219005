// `bench gate`: the CI performance-regression gate over every stage — counts and quality against a
// committed baseline (bench/baselines/gate.json), timings as paired ratios of the candidate (this
// working tree) to a reference build (bench/baselines/reference.json) measured in the same job.
import { cpus, hostname, tmpdir } from 'node:os';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, UsageError } from '../../core/index.ts';
import { formatAdapter, isCpuAdapter, openGpu, POLLER_NICE_ENV } from '../../kernels/index.ts';
import { defineCommand } from '../command.ts';
import {
  BASELINE_SCHEMA,
  readGateBaseline,
  thresholdFor,
  writeGateBaseline,
  type GateBaseline,
} from '../gate/baseline.ts';
import { compare, type Verdict } from '../gate/compare.ts';
import { DispatchCounter } from '../gate/kernels.ts';
import { GATE_STAGES, type GateStage } from '../gate/metric.ts';
import { runPaired, type PairedVerdict } from '../gate/paired.ts';
import { formatPairedTable, pairedFailureLines, pairedMarkdown, pairedSvgRows } from '../gate/paired-report.ts';
import type { Rule } from '../gate/paired-verdict.ts';
import {
  checkoutReference,
  givenReference,
  headState,
  readReference,
  REFERENCE_SCHEMA,
  resolveCommit,
  writeReference,
  type ReferenceFile,
  type ReferenceTree,
} from '../gate/reference.ts';
import { failureLines, formatTable, markdownSummary, stageSvg } from '../gate/report.ts';
import { QUICK_SEQ, SPLITS } from '../gate/stages.ts';
import { runSuite, type SuiteOptions, type SuiteRun } from '../gate/suite.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface GateArgs {
  baseline: string;
  'write-baseline': boolean;
  runs: number;
  stages: string | undefined;
  reference: string | undefined;
  'reference-file': string;
  'advance-reference': boolean;
  reason: string | undefined;
  timings: boolean;
  counts: boolean;
  'min-effect': number;
  alpha: number;
  pairs: number;
  'max-batches': number;
  only: string | undefined;
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
    ['--pairs', a.pairs, 6],
    ['--max-batches', a['max-batches'], 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new UsageError('GATE_BAD_FLAG', `${flag} ${v}: expected an integer >= ${min}`);
  }
  if (!(a['min-effect'] > 0 && a['min-effect'] < 10))
    throw new UsageError(
      'GATE_BAD_FLAG',
      `--min-effect ${a['min-effect']}: expected a fraction > 0, e.g. 0.1 for 10 %`,
    );
  if (!(a.alpha > 0 && a.alpha < 0.5))
    throw new UsageError('GATE_BAD_FLAG', `--alpha ${a.alpha}: expected a level between 0 and 0.5, e.g. 0.01`);
  if (a['advance-reference'] && !a.timings)
    throw new UsageError('GATE_BAD_FLAG', '--advance-reference needs the timings: drop --no-timings');
  if (!a.counts) {
    if (!a.timings) throw new UsageError('GATE_BAD_FLAG', '--no-counts with --no-timings leaves nothing to gate');
    if (a['advance-reference'] || a['write-baseline'])
      throw new UsageError('GATE_BAD_FLAG', '--no-counts: --advance-reference and --write-baseline need the counts');
    // the feature build and training are timed on the counts half's extract
    const needRaw = [...stagesOf(a.stages)].filter((s) => s !== 'ingest' && s !== 'kernels');
    if (needRaw.length)
      throw new UsageError(
        'GATE_BAD_FLAG',
        `--no-counts times only the ingest and kernels stages; --stages has ${needRaw.join(', ')} ` +
          "(their timings need the counts half's extract)",
      );
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
      `  ${m.id.padEnd(64)} ${m.kind.padEnd(7)} median ${m.value.toPrecision(5).padStart(12)}  spread ` +
        `${(m.spread * 100).toFixed(1).padStart(6)} %  threshold abs ${m.threshold.abs} rel ` +
        `${m.threshold.rel.toFixed(3)}${m.gated ? '' : ' (not gated: noisy, or a CPU adapter)'}\n`,
    );
  return ExitCode.ok;
}

interface Paired {
  readonly verdicts: readonly PairedVerdict[];
  readonly rule: Rule;
  readonly reference: string;
}

function writeReports(
  dir: string,
  verdicts: readonly Verdict[],
  header: { adapter: string; baseline: string; seconds: number },
  paired: Paired | undefined,
): string {
  mkdirSync(dir, { recursive: true });
  const md = markdownSummary(
    verdicts,
    header,
    paired
      ? {
          failures: pairedFailureLines(paired.verdicts, paired.rule),
          markdown: pairedMarkdown(paired.verdicts, paired.rule, paired.reference),
        }
      : undefined,
  );
  writeFileSync(join(dir, 'summary.md'), md);
  for (const s of GATE_STAGES)
    writeFileSync(
      join(dir, `${s}.svg`),
      stageSvg(s, verdicts, paired ? (top) => pairedSvgRows(s, paired.verdicts, paired.rule, top) : undefined),
    );
  const ci = process.env.GITHUB_STEP_SUMMARY;
  if (ci) appendFileSync(ci, md);
  return md;
}

/** The reference tree: --reference (a folder, or a commit), else the commit of the reference file. */
type ReferenceSpec =
  | { readonly kind: 'folder'; readonly dir: string }
  | { readonly kind: 'commit'; readonly sha: string };

/** Where the reference comes from, checked before anything is measured: a folder, or a commit of this clone. */
function referenceSpec(a: GateArgs): ReferenceSpec {
  const given = a.reference;
  if (given && existsSync(given) && statSync(given).isDirectory()) return { kind: 'folder', dir: resolve(given) };
  const sha = given
    ? resolveCommit(REPO, given, `--reference ${given}`)
    : resolveCommit(REPO, readReference(a['reference-file']).sha, `${a['reference-file']} field sha`);
  return { kind: 'commit', sha };
}

function openReference(spec: ReferenceSpec, say: (l: string) => void): { tree: ReferenceTree; label: string } {
  if (spec.kind === 'folder') {
    const tree = givenReference(spec.dir);
    return { tree, label: `folder ${tree.root}` };
  }
  const tree = checkoutReference(REPO, spec.sha, say);
  say(`gate: reference ${spec.sha.slice(0, 12)} checked out in ${tree.root} (${tree.installed})`);
  return { tree, label: spec.sha.slice(0, 12) };
}

async function timings(
  a: GateArgs,
  spec: ReferenceSpec,
  stages: Set<GateStage>,
  work: string,
  rule: Rule,
): Promise<Paired> {
  const say = (l: string): void => void process.stderr.write(`${l}\n`);
  const { tree, label } = openReference(spec, say);
  try {
    const verdicts = await runPaired(
      {
        candidateRoot: REPO,
        referenceRoot: tree.root,
        raw: join(work, 'raw'),
        splits: SPLITS,
        seqLen: QUICK_SEQ,
        stages,
        adapter: { ...(a.adapter ? { name: a.adapter } : {}), ...(a.backend ? { backend: a.backend } : {}) },
        rule,
        batch: a.pairs,
        maxBatches: a['max-batches'],
        maxSecondsPerMetric: 60,
        ...(a.only ? { only: a.only.split(',').map((x) => x.trim()) } : {}),
      },
      (l) => say(`gate: timing ${l}`),
    );
    return { verdicts, rule, reference: label };
  } finally {
    tree.close();
  }
}

/** HEAD, refused when the working tree differs from it: a reference is a commit, not a working tree. */
function requireCleanHead(): { sha: string } {
  const head = headState(REPO);
  if (!head.clean)
    throw new UsageError(
      'GATE_ADVANCE_DIRTY',
      '--advance-reference: the working tree has uncommitted changes; commit them first (the reference is a commit)',
    );
  return head;
}

/** Records HEAD as the new reference with this run's verdict (refused on a failed gate without --reason). */
function advance(a: GateArgs, passed: boolean, paired: Paired, adapter: string): number {
  const head = requireCleanHead();
  const old: ReferenceFile | undefined = readReferenceIfAny(a['reference-file']);
  if (!passed && !a.reason)
    throw new UsageError(
      'GATE_ADVANCE_FAILED',
      `--advance-reference: the gate failed against ${paired.reference}; accept it only deliberately, with --reason`,
    );
  const names = (d: string): string[] =>
    paired.verdicts.filter((v) => v.kind === 'judged' && v.decision === d).map((v) => v.id);
  const entry = {
    sha: head.sha,
    recordedAt: new Date().toISOString(),
    reason: a.reason ?? 'gate passed',
    verdict: {
      against: paired.reference,
      passed,
      regressed: names('regressed'),
      faster: names('faster'),
      undecided: names('undecided'),
      notComparable: paired.verdicts.filter((v) => v.kind === 'not comparable').map((v) => v.id),
      failed: paired.verdicts.filter((v) => v.kind === 'failed').map((v) => v.id),
      adapter,
      minEffect: paired.rule.minEffect,
    },
  };
  const history = old
    ? [{ sha: old.sha, recordedAt: old.recordedAt, reason: old.reason, verdict: old.verdict }, ...old.history]
    : [];
  writeReference(a['reference-file'], { schema: REFERENCE_SCHEMA, ...entry, history });
  process.stderr.write(
    `gate: reference advanced to ${head.sha.slice(0, 12)} in ${a['reference-file']}; commit that file\n`,
  );
  return ExitCode.ok;
}

function readReferenceIfAny(file: string): ReferenceFile | undefined {
  try {
    return readReference(file);
  } catch {
    return undefined;
  }
}

export default defineCommand({
  command: 'gate',
  describe:
    'CI performance-regression gate: counts and quality vs a committed baseline, ' +
    'timings paired against a reference build',
  builder: (y) =>
    y
      .option('baseline', {
        type: 'string',
        default: 'bench/baselines/gate.json',
        describe: 'Baseline file of counts and quality to compare with (or to write with --write-baseline)',
      })
      .option('write-baseline', {
        type: 'boolean',
        default: false,
        describe: 'Measure --runs times and write the counts-and-quality baseline instead of gating',
      })
      .option('runs', { type: 'number', default: 5, describe: 'Runs measured for --write-baseline' })
      .option('stages', {
        type: 'string',
        describe:
          `Comma list of stages to run (default all: ${GATE_STAGES.join(',')}); ` +
          'baseline metrics of others are skipped',
      })
      .option('reference', {
        type: 'string',
        describe: 'Reference build for the timings: a commit, or a folder (default: the commit in --reference-file)',
      })
      .option('reference-file', {
        type: 'string',
        default: 'bench/baselines/reference.json',
        describe: 'The recorded reference commit (read; written by --advance-reference)',
      })
      .option('advance-reference', {
        type: 'boolean',
        default: false,
        describe: 'After gating, record HEAD as the new reference with this verdict (a failed gate needs --reason)',
      })
      .option('reason', { type: 'string', describe: 'Why the reference advances (required when the gate failed)' })
      .option('counts', {
        type: 'boolean',
        default: true,
        describe: 'Measure and gate counts and quality (--no-counts: paired timings of ingest and kernels only)',
      })
      .option('timings', {
        type: 'boolean',
        default: true,
        describe: 'Judge the timings against the reference build (--no-timings: counts and quality only)',
      })
      .option('min-effect', {
        type: 'number',
        default: 0.15,
        describe: 'Smallest slowdown that fails, as a fraction (0.15: the candidate 15 % slower)',
      })
      .option('alpha', { type: 'number', default: 0.01, describe: 'One-sided level of the Wilcoxon signed-rank test' })
      .option('pairs', { type: 'number', default: 10, describe: 'Pairs per batch of a timed metric' })
      .option('max-batches', {
        type: 'number',
        default: 4,
        describe: 'Batches of pairs a timed metric may draw while undecided or to confirm a regression',
      })
      .option('only', {
        type: 'string',
        describe: 'Time only the metrics whose id contains one of these (comma list), e.g. matmul; counts unaffected',
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
    const spec = !a['write-baseline'] && a.timings ? referenceSpec(a) : undefined;
    if (a['advance-reference']) requireCleanHead();
    const started = performance.now();
    const work = mkdtempSync(join(tmpdir(), 'wattring-gate-'));
    try {
      // The gate's own device leaves this thread's priority alone unless asked: the worker processes
      // it spawns inherit it, and at nice 19 on a loaded machine they crawl (a worker got 11 s of CPU
      // in 8 minutes at load 30 on 2026-12-07).
      process.env[POLLER_NICE_ENV] ??= '0';
      const gpu = await openGpu({
        ...(a.adapter ? { name: a.adapter } : {}),
        ...(a.backend ? { backend: a.backend } : {}),
      });
      let description: string;
      let first: SuiteRun;
      try {
        description = gpu.adapter.description;
        process.stderr.write(`gate: adapter ${formatAdapter(gpu.adapter)}\n`);
        const counter = new DispatchCounter(gpu);
        if (!baseline) return await writeBaseline(a, { gpu, counter, stages }, description);
        first = a.counts
          ? await runSuite({ gpu, counter, stages, workDir: work })
          : { measurements: [], stageErrors: new Map() };
      } finally {
        gpu.destroy();
      }
      const cls = adapterClass(description);
      if (cls !== baseline.adapter.class)
        process.stderr.write(
          `gate: adapter class ${cls} differs from the baseline's ${baseline.adapter.class}: ` +
            'kernel counts are not gated; other counts and quality are\n',
        );
      const verdicts = a.counts
        ? compare(baseline, first.measurements, { adapterClass: cls, stageErrors: first.stageErrors, stages })
        : [];
      if (!a.counts) process.stderr.write('gate: counts and quality not measured (--no-counts): timings only\n');
      const rule: Rule = { minEffect: a['min-effect'], alpha: a.alpha, level: 0.95 };
      const paired = spec ? await timings(a, spec, stages, work, rule) : undefined;
      const seconds = (performance.now() - started) / 1e3;
      process.stderr.write(`${formatTable(verdicts)}\n`);
      if (paired) process.stderr.write(`${formatPairedTable(paired.verdicts)}\n`);
      writeReports(a['report-dir'], verdicts, { adapter: description, baseline: a.baseline, seconds }, paired);
      const failures = [...failureLines(verdicts), ...(paired ? pairedFailureLines(paired.verdicts, paired.rule) : [])];
      for (const f of failures) process.stderr.write(`gate: ${f}\n`);
      const outcome = failures.length === 0 ? 'passed' : `FAILED: ${failures.length} metric(s)`;
      process.stderr.write(`gate: ${outcome} in ${seconds.toFixed(0)} s; report in ${a['report-dir']}/summary.md\n`);
      if (a.json)
        process.stdout.write(
          `${JSON.stringify(
            {
              schema: 'wattring.bench.gate/2',
              adapter: description,
              adapterClass: cls,
              baseline: a.baseline,
              baselineClass: baseline.adapter.class,
              reference: paired?.reference ?? null,
              rule: paired?.rule ?? null,
              seconds,
              passed: failures.length === 0,
              failures,
              regressed: [
                ...verdicts.filter((v) => v.kind === 'regressed' || v.kind === 'missing').map((v) => v.id),
                ...(paired?.verdicts ?? [])
                  .filter((v) => v.kind === 'failed' || (v.kind === 'judged' && v.decision === 'regressed'))
                  .map((v) => v.id),
              ],
              verdicts: verdicts.map(jsonVerdict),
              timings: paired?.verdicts ?? [],
            },
            null,
            2,
          )}\n`,
        );
      if (a['advance-reference'] && paired) return advance(a, failures.length === 0, paired, description);
      return failures.length === 0 ? ExitCode.ok : ExitCode.failed;
    } finally {
      rmSync(work, { recursive: true, force: true });
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
