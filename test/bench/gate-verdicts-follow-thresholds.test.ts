// The gate's verdicts: counts exact, quality within its tolerance, timings within their threshold
// (from the baseline runs' spread), missing metrics fail, other adapter classes skip timings.
import { describe, expect, it } from 'vitest';
import { thresholdFor, type BaselineMetric, type GateBaseline } from '../../src/bench/gate/baseline.ts';
import { compare, keepBest, CROSS_ADAPTER_QUALITY_REL } from '../../src/bench/gate/compare.ts';
import { metric, type Measurement } from '../../src/bench/gate/metric.ts';
import { failureLines } from '../../src/bench/gate/report.ts';

function base(m: Measurement, samples: number[]): BaselineMetric {
  const t = thresholdFor(m, samples);
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
}

const requests = metric('ingest', 'requests per 1000 rows', 'count', 'lower', 'requests/1000 rows', 0.216);
const loss = metric('train', 'train loss after 8 steps', 'quality', 'exact', 'MSE', 0.95337);
const speed = metric('kernels', 'matmul 512x512x512.speed', 'timing', 'higher', 'ratio', 0.3);
const dispatches = metric('kernels', 'matmul 512x512x512.dispatches', 'count', 'exact', 'dispatches/run', 2);

function baseline(cls = 'llvmpipe'): GateBaseline {
  return {
    schema: 'wattring.bench.gate.baseline/1',
    createdAt: '2026-12-02T00:00:00Z',
    machine: { hostname: 'h', cpu: 'c', cores: 2, node: 'v20', platform: 'linux-x64' },
    adapter: { description: `${cls}: test`, class: cls },
    runs: 5,
    metrics: [
      base(requests, [0.216, 0.216, 0.216, 0.216, 0.216]),
      base(loss, [0.95337, 0.95337, 0.95337, 0.95337, 0.95337]),
      base(speed, [0.3, 0.28, 0.31, 0.29, 0.3]),
      base(dispatches, [2, 2, 2, 2, 2]),
    ],
  };
}
const all = new Set(['ingest', 'features', 'kernels', 'train', 'forecast']);
const ctx = { adapterClass: 'llvmpipe', stageErrors: new Map<string, string>(), stages: all };
const kinds = (b: GateBaseline, run: Measurement[], c = ctx): string[] =>
  compare(b, run, c).map((v) => `${v.id}=${v.kind}`);
const at = (m: Measurement, value: number): Measurement => ({ ...m, value });

describe('gate thresholds and verdicts', () => {
  it('derives thresholds from the spread: timings ≥ 25 % and 3× spread, counts exact, quality 1e-3', () => {
    const b = baseline();
    expect(b.metrics[2]?.threshold.rel).toBeCloseTo(Math.max(0.25, 3 * (0.03 / 0.3)), 12); // tolerance 1e-12
    expect(b.metrics[0]?.threshold).toEqual({ abs: 0, rel: 0 });
    expect(b.metrics[1]?.threshold).toEqual({ abs: 0, rel: 1e-3 });
  });

  it('never gates a timing measured on a CPU adapter, however quiet its runs were; counts still gate there', () => {
    expect(thresholdFor(speed, [0.3, 0.3, 0.3], false).gated).toBe(true);
    expect(thresholdFor(speed, [0.3, 0.3, 0.3], true).gated).toBe(false);
    expect(thresholdFor(speed, [0.3, 0.3, 0.3], true).threshold.rel).toBe(0.25);
    expect(thresholdFor(requests, [0.2, 0.2], true)).toMatchObject({ gated: true, threshold: { abs: 0, rel: 0 } });
  });

  it('passes unchanged values and a timing within its threshold', () => {
    expect(kinds(baseline(), [requests, loss, at(speed, 0.3 * 0.75), dispatches])).toEqual([
      'ingest.requests per 1000 rows=pass',
      'train.train loss after 8 steps=pass',
      'kernels.matmul 512x512x512.speed=pass',
      'kernels.matmul 512x512x512.dispatches=pass',
    ]);
  });

  it(
    'fails doubled requests, a changed loss, one more dispatch and a halved timing, naming baseline, measurement ' +
      'and threshold',
    () => {
      const verdicts = compare(
        baseline(),
        [at(requests, 0.432), at(loss, 0.96), at(speed, 0.15), at(dispatches, 3)],
        ctx,
      );
      expect(verdicts.map((v) => v.kind)).toEqual(['regressed', 'regressed', 'regressed', 'regressed']);
      expect(failureLines(verdicts)[2]).toBe(
        'regressed: kernels.matmul 512x512x512.speed: measured 0.15 ratio, baseline 0.3, threshold ≥ 0.21 (abs 0, ' +
          'rel ' +
          '0.3)',
      );
    },
  );

  it('reports a metric the run did not measure as missing, with the stage error', () => {
    const verdicts = compare(baseline(), [requests, speed, dispatches], {
      ...ctx,
      stageErrors: new Map([['train', 'bench train exited 1']]),
    });
    expect(failureLines(verdicts)).toEqual([
      'missing: train.train loss after 8 steps: in the baseline (0.95337 MSE) but not measured: bench train exited 1',
    ]);
  });

  it('skips timings and kernel counts against another adapter class, but gates quality within 5 %', () => {
    const other = { ...ctx, adapterClass: 'NVIDIA H200' };
    expect(
      kinds(
        baseline(),
        [requests, at(loss, 0.95337 * (1 + CROSS_ADAPTER_QUALITY_REL / 2)), at(speed, 0.01), at(dispatches, 1)],
        other,
      ),
    ).toEqual([
      'ingest.requests per 1000 rows=pass',
      'train.train loss after 8 steps=pass',
      'kernels.matmul 512x512x512.speed=skipped',
      'kernels.matmul 512x512x512.dispatches=skipped',
    ]);
    expect(kinds(baseline(), [requests, at(loss, 0.95337 * 1.1), speed, dispatches], other)[1]).toBe(
      'train.train loss after 8 steps=regressed',
    );
  });

  it('lists stages left out by --stages as skipped, and new metrics as new', () => {
    const extra = metric('forecast', 'test MAPE', 'quality', 'exact', '%', 8.2);
    expect(kinds(baseline(), [speed, dispatches, extra], { ...ctx, stages: new Set(['kernels', 'forecast']) })).toEqual(
      [
        'ingest.requests per 1000 rows=skipped',
        'train.train loss after 8 steps=skipped',
        'kernels.matmul 512x512x512.speed=pass',
        'kernels.matmul 512x512x512.dispatches=pass',
        'forecast.test MAPE=new',
      ],
    );
  });

  it('reports, but does not fail, a timing whose baseline runs spread too widely to gate', () => {
    const noisy = base(speed, [0.3, 0.1, 0.5, 0.3, 0.3]); // spread 133 %: 3 × spread > 60 %
    expect(noisy.gated).toBe(false);
    const b = { ...baseline(), metrics: [noisy] };
    const verdicts = compare(b, [at(speed, 0.05)], ctx);
    expect(verdicts.map((v) => v.kind)).toEqual(['noisy']);
    expect(failureLines(verdicts)).toEqual([]);
  });

  it('keeps the best timing over a re-measurement and leaves counts as first measured', () => {
    const kept = keepBest([at(speed, 0.1), at(dispatches, 3)], [at(speed, 0.29), at(dispatches, 2)]);
    expect(kept.map((m) => m.value)).toEqual([0.29, 3]);
  });
});
