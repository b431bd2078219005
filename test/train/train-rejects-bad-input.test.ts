// Bad input to bench train gets a clear error naming the flag or file, a non-zero exit, and
// nothing corrupted: a missing store, a store of another schema, a sequence longer than the train
// split, ranks or a layout that cannot lay the sequence out, --resume into a run of another
// configuration or store, and a diverging loss (stops, names the step, keeps the last checkpoint).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, readLatest } from '../../src/train/index.ts';
import { describeGpu } from '../support/gpu.ts';
import { tempDir } from '../features/support/world.ts';
import { buildEvalStore } from './support/eval-store.ts';
import { runBench } from './support/bench-cli.ts';

const tmp = tempDir('train-bad');
afterAll(() => tmp.cleanup());
let store = '';
beforeAll(() => {
  buildEvalStore(tmp.dir, 'store');
  store = join(tmp.dir, 'store');
});

const quick = (out: string, ...extra: string[]): string[] => [
  'train',
  '--quick',
  '--store',
  store,
  '--out',
  join(tmp.dir, out),
  '--steps',
  '2',
  ...(extra.includes('--ranks') ? [] : ['--ranks', '2']),
  ...extra,
];

describe('bench train refuses bad flags and stores before touching the GPU', () => {
  it.each([
    [
      'a missing store',
      ['train', '--store', '/nonexistent/store', '--out', '/tmp/x', '--quick'],
      /\/nonexistent\/store\/metadata\.json: not a readable feature store/,
    ],
    ['a sequence longer than the train split', null, /--seq-len 4000: the store .* has no complete train window/],
    ['more ranks than rows', null, /--ranks 200 is larger than --seq-len 96/],
    ['an unknown layout', null, /--layout 'spiral' is unknown/],
    ['an unknown mode', null, /--mode 'pigeon' is unknown/],
    ['a head size that is not a multiple of 4', null, /--d-model 12 \/ --heads 2/],
  ] as const)(
    '%s: exit 2 naming it',
    async (what, args, message) => {
      const extra: Record<string, string[]> = {
        'a sequence longer than the train split': ['--seq-len', '4000'],
        'more ranks than rows': ['--ranks', '200'],
        'an unknown layout': ['--layout', 'spiral'],
        'an unknown mode': ['--mode', 'pigeon'],
        'a head size that is not a multiple of 4': ['--d-model', '12'],
      };
      const r = await runBench(args ?? quick(`bad-${what.length}`, ...(extra[what] ?? [])));
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    },
    120_000,
  );

  it('a store of another schema: exit 2 naming its metadata file', async () => {
    const other = join(tmp.dir, 'other-schema');
    cpSync(store, other, { recursive: true });
    const meta = join(other, 'metadata.json');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('"wattring.features/1"', '"wattring.features/0"'));
    const r = await runBench(['train', '--quick', '--store', other, '--out', join(tmp.dir, 'x'), '--ranks', '2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/metadata\.json: "schema" is not "wattring\.features\/1"/);
  }, 120_000);
});

describeGpu('bench train refuses a resume that would not continue the same run', () => {
  let run = '';
  beforeAll(async () => {
    run = join(tmp.dir, 'run');
    const r = await runBench(quick('run'));
    expect(r.status, r.stderr).toBe(0);
  }, 600_000);

  it('another configuration: exit 2 naming the flag; the checkpoint is untouched', async () => {
    const before = readLatest(run);
    const r = await runBench([...quick('run', '--layers', '2'), '--resume']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--resume: the run in .* has --layers 1, not 2/);
    expect(readLatest(run)).toEqual(before);
  }, 300_000);

  it('another store: exit 2 naming it', async () => {
    const other = join(tmp.dir, 'store-b');
    buildEvalStore(tmp.dir, 'store-b', { seed: 99 });
    const r = await runBench([
      'train',
      '--quick',
      '--store',
      other,
      '--out',
      run,
      '--steps',
      '2',
      '--ranks',
      '2',
      '--resume',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--resume: the run in .* was trained on another feature store/);
  }, 300_000);

  it('a diverging loss stops with exit 1 naming the step and keeps the last good checkpoint', async () => {
    const out = join(tmp.dir, 'diverge');
    const r = await runBench([
      'train',
      '--quick',
      '--store',
      store,
      '--out',
      out,
      '--steps',
      '6',
      '--ranks',
      '2',
      '--lr',
      '1e30',
      '--warmup',
      '0',
      '--clip',
      '0',
      '--checkpoint-every',
      '1',
    ]);
    expect(r.status, r.stderr).toBe(1);
    const m = /step (\d+): the loss is (NaN|Infinity|-Infinity)/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const latest = readLatest(out);
    expect(latest?.step).toBe(Number(m?.[1]) - 1);
    if (latest) expect(() => loadCheckpoint(out, latest)).not.toThrow();
  }, 300_000);
});
