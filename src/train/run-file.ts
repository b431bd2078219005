// run.json of a training run: where its store is and the shape it was started with, so
// bench forecast can rebuild the model from the latest checkpoint.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { TransportMode } from '../ring/index.ts';
import { TrainUsageError } from './errors.ts';
import { writeFileAtomic } from './evaluate/index.ts';
import type { ModelConfig } from './params.ts';

const positive = z.number().int().positive();
const RUN_FILE = z.object({
  store: z.string(),
  config: z.object({
    features: positive,
    dModel: positive,
    heads: positive,
    layers: positive,
    mlpRatio: positive,
    horizon: positive,
    futureFeatures: positive,
    headHidden: positive,
    quantiles: z.array(z.number().gt(0).lt(1)).min(1).max(4),
  }),
  seqLen: positive,
  ranks: positive,
  layout: z.string(),
  mode: z.enum(['shared', 'isolated', 'process']),
});

/** run.json: where the run's store is and the shape it was started with. */
export type RunFile = Omit<z.infer<typeof RUN_FILE>, 'config' | 'mode'> & {
  readonly config: ModelConfig;
  readonly mode: TransportMode;
};

export function writeRunFile(out: string, run: RunFile): void {
  writeFileAtomic(join(out, 'run.json'), `${JSON.stringify({ ...run, store: resolve(run.store) }, null, 2)}\n`);
}

export function readRunFile(out: string): RunFile {
  const path = join(out, 'run.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new TrainUsageError(
      'TRAIN_RUN_MISSING',
      `--run ${out}: ${path} cannot be read; point --run at a folder written by bench train`,
      { cause },
    );
  }
  const checked = RUN_FILE.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new TrainUsageError(
      'TRAIN_RUN_CORRUPT',
      `${path}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}; not a bench train run file`,
    );
  }
  return checked.data;
}
