// The child-process stages of `bench gate`'s counts and quality: a fixed small extract on the
// simulated EIA server, a feature store from it, `bench train --quick` and `bench forecast`. Their
// times are judged in pairs against the reference build (paired.ts), not here.
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { benchJson, numberAt } from './child.ts';
import { metric, type Measurement } from './metric.ts';

/** Fixed inputs: one respondent, 18 months, simulated server at seed 1, time scale 50. */
export const EXTRACT_ARGS = [
  'extract',
  '--respondents',
  'CISO',
  '--start',
  '2023-01-01T00',
  '--end',
  '2024-06-30T23',
  '--time-scale',
  '50',
  '--latency-ms',
  '20',
  '--timeout',
  '600',
  '--seed',
  '1',
];
export const SPLITS = '2023-01-01..2023-12-31,2024-01-01..2024-03-31,2024-04-01..2024-06-30';
export const QUICK_SEQ = 96;

/** Runs `fn` once as a tinybench task (the harness every stage shares) and returns its result. */
export async function task<T>(name: string, fn: () => Promise<T>): Promise<T> {
  let out: { value: T } | undefined;
  const bench = new Bench({ iterations: 1, time: 0, warmup: false, throws: true });
  bench.add(name, async () => {
    out = { value: await fn() };
  });
  await bench.run();
  if (!out) throw new Error(`tinybench task ${name} produced no result`);
  return out.value;
}

export async function ingestStage(dir: string): Promise<Measurement[]> {
  const r = await task('ingest: bench extract', () => benchJson([...EXTRACT_ARGS, '--out', join(dir, 'raw')]));
  const n = (p: string): number => numberAt(r, p, 'extract');
  const rows = n('rowsLanded');
  return [
    metric('ingest', 'rows landed', 'count', 'exact', 'rows', rows),
    metric('ingest', 'requests', 'count', 'lower', 'requests', n('requests.total')),
    metric(
      'ingest',
      'requests per 1000 rows',
      'count',
      'lower',
      'requests/1000 rows',
      (n('requests.total') / rows) * 1000,
    ),
    metric('ingest', 'retries', 'count', 'lower', 'retries', n('retries')),
    metric('ingest', '429s', 'count', 'lower', 'responses', n('sim.rateLimited')),
    metric('ingest', 'duplicates', 'count', 'exact', 'rows', n('duplicates')),
  ];
}

export async function featuresStage(dir: string): Promise<Measurement[]> {
  const r = await task('features: bench features', () =>
    benchJson([
      'features',
      '--in',
      join(dir, 'raw'),
      '--out',
      join(dir, 'store'),
      '--split',
      SPLITS,
      '--seq-len',
      String(QUICK_SEQ),
    ]),
  );
  const n = (p: string): number => numberAt(r, p, 'features');
  return [
    metric('features', 'rows', 'count', 'exact', 'rows', n('rows')),
    metric('features', 'masked rows', 'count', 'exact', 'rows', n('maskedRows')),
    metric('features', 'train windows', 'count', 'exact', 'windows', n('windows.train')),
    metric('features', 'copied windows', 'count', 'lower', 'windows', n('iterate.copiedWindows')),
    // after a full GC this reads 0, or below 0 when the GC freed more; 1 MiB of slack still catches
    // a copied window pass (bytesIfCopied is 7.9 MB here) without failing on GC timing
    metric(
      'features',
      'window pass ArrayBuffer allocation',
      'count',
      'lower',
      'bytes',
      n('iterate.arrayBufferBytesAllocated'),
      2 ** 20,
    ),
  ];
}

export async function trainStage(dir: string): Promise<Measurement[]> {
  const r = await task('train: bench train --quick', () =>
    benchJson(['train', '--quick', '--store', join(dir, 'store'), '--out', join(dir, 'run'), '--ranks', '4']),
  );
  const n = (p: string): number => numberAt(r, p, 'train');
  const memory = Reflect.get(Object(r), 'memoryPerRankBytes');
  const peakRank = Array.isArray(memory)
    ? Math.max(...memory.filter((m): m is number => typeof m === 'number'))
    : Number.NaN;
  return [
    metric('train', 'read-backs per step', 'count', 'lower', 'read-backs', n('readBacksPerStep')),
    metric('train', 'submits per step', 'count', 'lower', 'submits', n('submitsPerStep')),
    metric('train', 'ring bytes per step', 'count', 'lower', 'bytes', n('bytesPerStep.ring')),
    metric('train', 'all-reduce bytes per step', 'count', 'lower', 'bytes', n('bytesPerStep.allReduce')),
    metric('train', 'memory per rank', 'count', 'lower', 'bytes', peakRank),
    metric('train', 'train loss after 8 steps', 'quality', 'exact', 'MSE (normalised)', n('loss.train')),
    metric('train', 'validation loss after 8 steps', 'quality', 'exact', 'MSE (normalised)', n('loss.validation')),
  ];
}

export async function forecastStage(dir: string): Promise<Measurement[]> {
  const r = await task('forecast: bench forecast', () => benchJson(['forecast', '--run', join(dir, 'run')]));
  return [metric('forecast', 'test MAPE', 'quality', 'exact', '%', numberAt(r, 'mape.model', 'forecast'))];
}
