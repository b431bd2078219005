// The line protocol between `bench gate` and its worker processes (worker.ts): one JSON
// object per line each way. Requests carry an id that the reply repeats. A metric the tree cannot
// measure (its API is missing or changed) is answered with code NOT_COMPARABLE, not an error.
import { WattringError } from '../../core/index.ts';

/** What a worker needs to measure every metric: fixed inputs made once by the gate. */
export interface SetupRequest {
  readonly op: 'setup';
  readonly id: number;
  /** Scratch folder of this worker. */
  readonly work: string;
  /** A raw-file folder (the gate's extract) for the feature build and the training store. */
  readonly raw: string;
  /** A JSON file: one EIA fuel-type-data page, as the API sends it. */
  readonly page: string;
  readonly pageMeta: Record<string, unknown>;
  readonly splits: string;
  readonly seqLen: number;
  /** `train()` options of `train --quick` (store, out and steps are the worker's). */
  readonly train: Record<string, unknown>;
  readonly adapter: Record<string, unknown>;
  /**
   * How kernels are timed: `auto` (the adapter threads' CPU time on a CPU adapter; on a GPU the
   * GPU's own timestamp queries where the adapter has them, else wall time), or `timestamps`
   * (timestamp queries wherever the adapter has them: the GPU path, exercised on a CPU adapter).
   */
  readonly kernelClock: 'auto' | 'timestamps';
}

export interface MeasureRequest {
  readonly op: 'measure';
  readonly id: number;
  /** Which of the worker's trees (its argv order); 0 when absent. */
  readonly tree: number;
  /** `stage.name`, e.g. `kernels.matmul 512x512x512`, `ingest.parse + validate`. */
  readonly metric: string;
  /** Back-to-back repetitions per sample; a sample reports seconds per repetition. */
  readonly reps: number;
  readonly samples: number;
  /** Set the metric up anew first (new buffers, new closures): each batch of pairs gets its own. */
  readonly fresh: boolean;
}

/** Sets up these metrics now; the reply gives each one `ok` or why it cannot be measured. */
export interface PrepareRequest {
  readonly op: 'prepare';
  readonly id: number;
  readonly metrics: readonly string[];
}

export type Request = SetupRequest | MeasureRequest | PrepareRequest | { readonly op: 'quit'; readonly id: number };

export class NotComparable extends WattringError {
  constructor(message: string) {
    super('GATE_NOT_COMPARABLE', message);
  }
}

export class ProtocolError extends WattringError {
  constructor(message: string) {
    super('GATE_PROTOCOL', message);
  }
}

export function get(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null ? Reflect.get(o, key) : undefined;
}

/** `o[name]` as a callable bound to `o`, or NotComparable naming where it is missing. */
export function method(o: unknown, name: string, where: string): (...args: unknown[]) => unknown {
  const f: unknown = get(o, name);
  if (typeof f !== 'function') throw new NotComparable(`${where}: no function ${name}`);
  return (...args: unknown[]) => Reflect.apply(f, o, args);
}

export function stringField(o: unknown, key: string): string {
  const v = get(o, key);
  if (typeof v !== 'string') throw new ProtocolError(`field ${key} is ${JSON.stringify(v)}, expected a string`);
  return v;
}

export function numberField(o: unknown, key: string): number {
  const v = get(o, key);
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ProtocolError(`field ${key} is ${JSON.stringify(v)}, expected a finite number`);
  return v;
}

function record(o: unknown, key: string): Record<string, unknown> {
  const v = get(o, key);
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ProtocolError(`field ${key} is ${JSON.stringify(v)}, expected an object`);
  return Object.fromEntries(Object.entries(v));
}

export function parseRequest(o: unknown): Request {
  const id = numberField(o, 'id');
  const op = stringField(o, 'op');
  if (op === 'quit') return { op, id };
  if (op === 'measure')
    return {
      op,
      id,
      tree: get(o, 'tree') === undefined ? 0 : numberField(o, 'tree'),
      metric: stringField(o, 'metric'),
      reps: numberField(o, 'reps'),
      samples: numberField(o, 'samples'),
      fresh: get(o, 'fresh') === true,
    };
  if (op === 'prepare') {
    const metrics = get(o, 'metrics');
    if (!Array.isArray(metrics) || !metrics.every((m): m is string => typeof m === 'string'))
      throw new ProtocolError('field metrics: expected a list of metric ids');
    return { op, id, metrics };
  }
  if (op === 'setup')
    return {
      op,
      id,
      work: stringField(o, 'work'),
      raw: stringField(o, 'raw'),
      page: stringField(o, 'page'),
      pageMeta: record(o, 'pageMeta'),
      splits: stringField(o, 'splits'),
      seqLen: numberField(o, 'seqLen'),
      train: record(o, 'train'),
      adapter: record(o, 'adapter'),
      kernelClock: get(o, 'kernelClock') === 'timestamps' ? 'timestamps' : 'auto',
    };
  throw new ProtocolError(`unknown op ${JSON.stringify(op)}`);
}
