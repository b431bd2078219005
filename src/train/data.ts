// Training data from a feature store: the windows of a split at the run's sequence length, their
// host tensors (features, the next `horizon` hours of normalised demand at every position, and the
// mask of observed target hours inside the split), and a seeded order that is a pure function of
// (seed, epoch) so a resumed run replays it exactly.
import { HOUR_MS, seededF32 } from '../core/index.ts';
import { planWindows, type FeatureStore, type RespondentData, type SplitName } from '../features/index.ts';
import { futureInputs } from './future.ts';
import type { HostWindow } from './model.ts';

/** One window: respondent (index into the store) and the row of its first input hour. */
export interface WindowRef {
  readonly respondent: number;
  readonly start: number;
}

/** Where the run is in its data: epoch and the next window of that epoch's order. */
export interface DataCursor {
  readonly epoch: number;
  readonly index: number;
}

/** The split's windows at `seqLen`: targets of the last position inside the split, no long gap. */
export function splitWindows(store: FeatureStore, split: SplitName, seqLen: number): WindowRef[] {
  const { horizon } = store.metadata.window;
  const out: WindowRef[] = [];
  store.respondents.forEach((r, i) => {
    const shape = { seqLen, stride: 24, horizon };
    // Without the store's scored hours: every position of a window is a forecast with its own
    // masked targets, so a window whose last day is mostly unscored still trains on the rest.
    const starts = planWindows(r.firstPeriodMs / HOUR_MS, r.longGap, store.metadata.splits, shape)[split];
    for (const start of starts) out.push({ respondent: i, start });
  });
  return out;
}

/** Hour-ending period (hours since 1970) range of a split. */
function splitHours(store: FeatureStore, split: SplitName): { first: number; last: number } {
  const s = store.metadata.splits.find((x) => x.name === split);
  if (!s) throw new Error(`store has no ${split} split`);
  return { first: s.firstHour, last: s.lastHour };
}

/**
 * Host tensors of `ref`: x [T, F]; future [T, horizon, K] (src/train/future.ts); target[t, h] =
 * normalised demand of row start+t+1+h minus its anchor (the model predicts the residual from DF or
 * yesterday's demand: futureInputs); mask 1 where that hour's demand was reported (not filled, not
 * missing) and lies inside `split` (so a validation window's early positions never score train
 * hours, and nothing scores the future beyond the split).
 */
export function windowTensors(store: FeatureStore, ref: WindowRef, seqLen: number, split: SplitName): HostWindow {
  const r: RespondentData | undefined = store.respondents[ref.respondent];
  if (!r) throw new Error(`no respondent ${ref.respondent} in the store`);
  const F = store.metadata.features.length;
  const H = store.metadata.window.horizon;
  const hours = splitHours(store, split);
  const firstHour = r.firstPeriodMs / HOUR_MS;
  const x = r.features.slice(ref.start * F, (ref.start + seqLen) * F);
  const target = new Float32Array(seqLen * H);
  const mask = new Float32Array(seqLen * H);
  for (let t = 0; t < seqLen; t++) {
    for (let h = 0; h < H; h++) {
      const row = ref.start + t + 1 + h;
      if (row >= r.hours) continue;
      const hour = firstHour + row;
      const observed = !Number.isNaN(r.demand[row] ?? Number.NaN) && hour >= hours.first && hour <= hours.last;
      if (!observed) continue;
      target[t * H + h] = r.target[row] ?? 0;
      mask[t * H + h] = 1;
    }
  }
  const { future, anchor } = futureInputs(store, ref.respondent, ref.start, seqLen);
  for (let k = 0; k < target.length; k++) if (mask[k] === 1) target[k] = (target[k] ?? 0) - (anchor[k] ?? 0);
  return { x, future, target, mask };
}

/** The order of `count` windows in `epoch`: a Fisher–Yates shuffle driven by the seeded generator. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  const u = seededF32(Math.max(1, count), (seed * 1_000_003 + epoch * 7_919 + 1) >>> 0, 0, 1);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor((u[i] ?? 0) * (i + 1)));
    const a = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = a;
  }
  return order;
}

/** The next `batch` windows from `cursor` (crossing into the next epoch when one ends). */
export function nextBatch(
  windows: readonly WindowRef[],
  seed: number,
  cursor: DataCursor,
  batch: number,
): { refs: WindowRef[]; cursor: DataCursor } {
  let { epoch, index } = cursor;
  let order = epochOrder(windows.length, seed, epoch);
  const refs: WindowRef[] = [];
  while (refs.length < batch) {
    if (index >= windows.length) {
      epoch++;
      index = 0;
      order = epochOrder(windows.length, seed, epoch);
    }
    const w = windows[order[index] ?? 0];
    if (!w) throw new Error('no training windows');
    refs.push(w);
    index++;
  }
  return { refs, cursor: { epoch, index } };
}
