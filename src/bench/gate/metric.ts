// The measured quantities of `bench gate`: each metric is a count, a quality figure or a timing
// ratio, with the direction that counts as worse and the unit it is quoted in.

export const GATE_STAGES = ['ingest', 'features', 'kernels', 'train', 'forecast'] as const;
export type GateStage = (typeof GATE_STAGES)[number];

export const METRIC_KINDS = ['count', 'quality', 'timing'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** `lower`: larger is worse; `higher`: smaller is worse; `exact`: any change is a regression. */
export const DIRECTIONS = ['lower', 'higher', 'exact'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface Measurement {
  /** Stable id, `stage.name`, e.g. `kernels.matmul 512x512x512.dispatches`. */
  readonly id: string;
  readonly stage: GateStage;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly better: Direction;
  readonly value: number;
  /** Smallest absolute threshold a baseline gives this metric (a count that moves by design, e.g. GC timing). */
  readonly minAbs?: number;
}

/** Builds a measurement with its id prefixed by the stage. */
export function metric(
  stage: GateStage,
  name: string,
  kind: MetricKind,
  better: Direction,
  unit: string,
  value: number,
  minAbs?: number,
): Measurement {
  return { id: `${stage}.${name}`, stage, kind, unit, better, value, ...(minAbs !== undefined ? { minAbs } : {}) };
}
