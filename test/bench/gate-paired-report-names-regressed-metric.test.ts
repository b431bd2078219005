// The paired timings in the gate's output: the failing line names the regressed metric with its
// ratio and interval; a metric the candidate's own code could not be timed on fails, with the reason;
// a speed-up and a not-comparable metric are reported but never fail.
import { expect, it } from 'vitest';
import type { PairedVerdict } from '../../src/bench/gate/paired.ts';
import {
  formatPairedTable,
  pairedFailureLines,
  pairedMarkdown,
  pairedSvgRows,
} from '../../src/bench/gate/paired-report.ts';

const rule = { minEffect: 0.15, alpha: 0.01, level: 0.95 };
const judged = (id: string, decision: 'regressed' | 'faster' | 'same', ratio: number): PairedVerdict => ({
  kind: 'judged',
  id,
  stage: 'kernels',
  clock: 'adapter',
  decision,
  pairs: 20,
  ratio,
  lower: ratio * 0.95,
  upper: ratio * 1.05,
  pSlower: decision === 'regressed' ? 0.001 : 0.9,
  pFaster: decision === 'faster' ? 0.001 : 0.9,
  confirmed: decision === 'regressed',
  balanced: ratio,
  reps: 4,
  seconds: { candidate: ratio, reference: 1 },
  byWorker: [ratio * 1.01, ratio * 0.99],
  batches: [],
});
const verdicts: PairedVerdict[] = [
  judged('kernels.matmul 512x512x512', 'regressed', 1.5),
  judged('kernels.gelu-fwd 8760x256', 'faster', 0.66),
  judged('kernels.mse-fwd 8760x24', 'same', 1.01),
  { kind: 'not comparable', id: 'kernels.new-op 8x8', stage: 'kernels', reason: 'reference: no quick kernel case' },
];
const failed: PairedVerdict = {
  kind: 'failed',
  id: 'train.steady step',
  stage: 'train',
  reason: 'candidate (worker 1): WORKER_ERROR: --head-hidden must be a positive integer, got undefined',
};

it('fails only the regressed metric, naming it with ratio, interval and pairs', () => {
  const lines = pairedFailureLines(verdicts, rule);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^regressed: kernels\.matmul 512x512x512: candidate 1\.500× .*\[1\.425, 1\.575\] over 20 pairs/,
  );
});

it('tabulates every verdict, speed-ups and not-comparable metrics included', () => {
  const table = formatPairedTable(verdicts);
  expect(table).toMatch(/gelu-fwd 8760x256 +0\.660 .* faster/);
  expect(table).toMatch(/new-op 8x8 .*not comparable: reference: no quick kernel case/);
  expect(pairedMarkdown(verdicts, rule, '7d2967a12649')).toContain('| kernels.matmul 512x512x512 | 1.500 |');
});

it('draws one row per metric of the stage and none for another stage', () => {
  expect(pairedSvgRows('kernels', verdicts, rule, 0).parts.filter((p) => p.startsWith('<circle'))).toHaveLength(3);
  expect(pairedSvgRows('ingest', verdicts, rule, 0).height).toBe(0);
});

it('fails a metric the candidate could not be timed on, with the reason, and draws it as failed', () => {
  const lines = pairedFailureLines([...verdicts, failed], rule);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe(`failed: train.steady step: the candidate could not be timed: ${failed.reason}`);
  expect(formatPairedTable([failed])).toMatch(/train\.steady step .*FAILED: candidate \(worker 1\): WORKER_ERROR/);
  expect(pairedSvgRows('train', [failed], rule, 0).parts.join('')).toContain('>FAILED</text>');
});

it('passes a regression that two fresh workers did not reproduce, saying so', () => {
  const first = judged('kernels.gelu-bwd 8760x256', 'regressed', 1.17);
  if (first.kind !== 'judged') throw new Error('judged');
  const v: PairedVerdict = { ...first, decision: 'undecided', retry: { ...first, decision: 'same', ratio: 1.01 } };
  expect(pairedFailureLines([v], rule)).toEqual([]);
  expect(formatPairedTable([v])).toMatch(
    /gelu-bwd 8760x256 .*undecided \(passes\): not reproduced in fresh workers \(1\.010\)/,
  );
  const again: PairedVerdict = { ...first, retry: { ...first, ratio: 1.4, balanced: 1.41 } };
  expect(pairedFailureLines([again], rule)[0]).toMatch(
    /again in fresh workers: 1\.400× over 20 pairs, balanced 1\.410×$/,
  );
});
