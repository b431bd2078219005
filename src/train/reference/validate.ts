// Inputs of the whole-model f64 reference (one window of features, targets and mask) and the
// checks that reject a config, parameter buffer or window whose shapes do not fit together.
import { UsageError } from '../../core/index.ts';
import { headDim, paramLayout, type ModelConfig } from '../params.ts';

/**
 * One training window: x [T, F], future [T, horizon, K] (what is known at t about each target
 * hour), target and mask [T, horizon] row-major; mask 1 = observed target.
 */
export interface ReferenceWindow {
  readonly x: ArrayLike<number>;
  readonly future: ArrayLike<number>;
  readonly target: ArrayLike<number>;
  readonly mask: ArrayLike<number>;
  readonly T: number;
}

/** A config, parameter buffer or window the reference cannot use: the message names the field. */
export class ReferenceShapeError extends UsageError {
  constructor(message: string) {
    super('TRAIN_REFERENCE_SHAPE', message);
  }
}

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;

/** Every size a positive integer and dModel divisible by heads (D = dModel / heads). */
export function checkConfig(c: ModelConfig): void {
  for (const field of [
    'features',
    'dModel',
    'heads',
    'layers',
    'mlpRatio',
    'horizon',
    'futureFeatures',
    'headHidden',
  ] as const) {
    if (!isPositiveInt(c[field]))
      throw new ReferenceShapeError(`config.${field} = ${c[field]}: expected a positive integer`);
  }
  const q = c.quantiles;
  if (
    q.length < 1 ||
    q.length > 4 ||
    !q.every((v, i) => v > 0 && v < 1 && (i === 0 || v > (q[i - 1] ?? 1))) ||
    !q.includes(0.5)
  ) {
    throw new ReferenceShapeError(
      `config.quantiles = [${q.join(', ')}]: expected 1–4 ascending levels in (0, 1), 0.5 among them (the point ` +
        `forecast)`,
    );
  }
  if (!Number.isInteger(headDim(c))) {
    throw new ReferenceShapeError(
      `config.dModel = ${c.dModel} is not divisible by config.heads = ${c.heads}: choose heads that divide dModel`,
    );
  }
}

/** The flat buffer must be exactly paramLayout(config).total long (padding included). */
export function checkParams(c: ModelConfig, params: ArrayLike<number>): void {
  const { total } = paramLayout(c);
  if (params.length !== total) {
    throw new ReferenceShapeError(
      `params has ${params.length} elements; paramLayout(config).total is ${total}: build it from the same config`,
    );
  }
}

/** x, target and mask lengths match T·F and T·horizon; `where` names the window (`windows[2]`). */
export function checkWindow(c: ModelConfig, w: ReferenceWindow, where: string): void {
  if (!isPositiveInt(w.T)) throw new ReferenceShapeError(`${where}.T = ${w.T}: expected a positive integer`);
  const expect = (field: 'x' | 'future' | 'target' | 'mask', cols: number, colsName: string): void => {
    if (w[field].length !== w.T * cols) {
      throw new ReferenceShapeError(
        `${where}.${field} has ${w[field].length} elements; expected T·${colsName} = ${w.T}·${cols} = ${w.T * cols}`,
      );
    }
  };
  expect('x', c.features, 'features');
  expect('future', c.horizon * c.futureFeatures, 'horizon·futureFeatures');
  expect('target', c.horizon, 'horizon');
  expect('mask', c.horizon, 'horizon');
}
