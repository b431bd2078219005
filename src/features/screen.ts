// Screens an hourly series (demand, or DF) for the anomaly classes of Ruggles et al. 2020 (Sci.
// Data 7, 155): zeros and negatives, spikes, stuck runs, unit jumps, duplicated values. Causal:
// the class of hour t reads hours ≤ t only (and earlier classes), because flags are model inputs.
// Definitions and thresholds: docs/features.md, "Screening".

/** Class codes per hour; 0 = clean (or missing: missing hours are gaps, not anomalies). */
export const ANOMALY = { clean: 0, nonpositive: 1, spike: 2, stuck: 3, unitJump: 4, duplicate: 5 } as const;
export type AnomalyCode = (typeof ANOMALY)[keyof typeof ANOMALY];
/** Class names by code − 1, as counted in metadata and printed. */
export const ANOMALY_CLASSES = ['nonpositive', 'spike', 'stuck', 'unit_jump', 'duplicate'] as const;
export type AnomalyClass = (typeof ANOMALY_CLASSES)[number];
export type AnomalyCounts = Record<AnomalyClass, number>;

export interface ScreenSettings {
  /** Hours of clean history the reference level and ramp scale are taken from (t − w … t − 1). */
  readonly windowHours: number;
  /** Fewest clean values (and ramps) in that window before level and ramp tests apply. */
  readonly minHistory: number;
  /** Global outlier: value > factor × level or < level ÷ factor. */
  readonly levelFactor: number;
  /** Local spike: |x − last clean| > max(rampFactor × ramp scale × √gap, rampShare × level). */
  readonly rampFactor: number;
  readonly rampShare: number;
  /** The last clean value must be at most this many hours old for the local test. */
  readonly maxRampGapHours: number;
  /** Unit jump: an out-of-range hour within this relative change of an out-of-range hour before it. */
  readonly unitJumpTolerance: number;
  /** Stuck: the value repeated for this many hours in a row (flagged from this hour of the run on). */
  readonly stuckHours: number;
  /** Duplicate: a value equal to the previous hour's while the ramp scale is at least this (MWh). */
  readonly duplicateRampMwh: number;
}

/**
 * 700 MWh: with hourly changes distributed about Laplace-like around 0 with median |Δ| = m, an
 * exact repeat of an integer value has probability ≈ ln 2 ÷ m, below 1 in 1,000 from m ≈ 693 on.
 */
export const DEFAULT_SCREEN: ScreenSettings = {
  windowHours: 168,
  minHistory: 24,
  levelFactor: 3,
  rampFactor: 10,
  rampShare: 0.25,
  maxRampGapHours: 3,
  unitJumpTolerance: 0.25,
  stuckHours: 3,
  duplicateRampMwh: 700,
};

/** A sorted multiset of at most `capacity` numbers: O(capacity) insert and remove, O(1) median. */
class SortedWindow {
  private readonly values: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity + 1);
  }

  private search(v: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.values[mid] ?? 0) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(v: number): void {
    const i = this.search(v);
    this.values.copyWithin(i + 1, i, this.size);
    this.values[i] = v;
    this.size++;
  }

  remove(v: number): void {
    const i = this.search(v);
    if (i >= this.size || this.values[i] !== v) return;
    this.values.copyWithin(i, i + 1, this.size);
    this.size--;
  }

  median(): number {
    return this.values[this.size >> 1] ?? Number.NaN;
  }
}

/** Per-hour state the causal pass carries. */
interface Pass {
  readonly clean: Uint8Array;
  /** |x[t] − x[t − 1]| where both hours were clean, else NaN. */
  readonly ramp: Float64Array;
  readonly levels: SortedWindow;
  readonly all: SortedWindow;
  readonly ramps: SortedWindow;
  lastClean: number;
  lastCleanAt: number;
  run: number;
}

/**
 * Classifies every hour of `x` (NaN = missing); see ANOMALY. `globalLevel`: the median of the
 * series over the train split (trainLevel), a second reference for the level test, because a
 * causal reference cannot know that a series *starts* at a wrong level; NaN = none.
 */
export function screenSeries(
  x: Float64Array,
  s: ScreenSettings = DEFAULT_SCREEN,
  globalLevel = Number.NaN,
): Uint8Array {
  const n = x.length;
  const code = new Uint8Array(n);
  const p: Pass = {
    clean: new Uint8Array(n),
    ramp: new Float64Array(n).fill(Number.NaN),
    levels: new SortedWindow(s.windowHours),
    all: new SortedWindow(s.windowHours),
    ramps: new SortedWindow(s.windowHours),
    lastClean: Number.NaN,
    lastCleanAt: -1,
    run: 0,
  };
  for (let t = 0; t < n; t++) {
    forget(x, p, t - s.windowHours - 1);
    const v = x[t] ?? Number.NaN;
    if (Number.isNaN(v)) {
      p.run = 0;
      continue;
    }
    const prev = t > 0 ? (x[t - 1] ?? Number.NaN) : Number.NaN;
    p.run = prev === v ? p.run + 1 : 1;
    const c = classify(v, prev, t, code[t - 1] ?? 0, p, s, globalLevel);
    code[t] = c;
    remember(x, p, t, c);
  }
  return code;
}

function forget(x: Float64Array, p: Pass, old: number): void {
  if (old < 0) return;
  const v = x[old] ?? Number.NaN;
  if (Number.isNaN(v)) return;
  p.all.remove(v);
  if (p.clean[old] === 1) p.levels.remove(v);
  const r = p.ramp[old] ?? Number.NaN;
  if (!Number.isNaN(r)) p.ramps.remove(r);
}

function remember(x: Float64Array, p: Pass, t: number, c: number): void {
  const v = x[t] ?? 0;
  p.all.insert(v);
  if (c !== ANOMALY.clean) return;
  p.clean[t] = 1;
  p.levels.insert(v);
  if (p.lastCleanAt >= 0 && p.lastCleanAt === t - 1) {
    const r = Math.abs(v - p.lastClean);
    p.ramp[t] = r;
    p.ramps.insert(r);
  }
  p.lastClean = v;
  p.lastCleanAt = t;
}

/**
 * The reference level: median of the clean values of the window; when the window holds too few
 * clean values (e.g. a week after a lasting level shift) the median of every reported value, so a
 * shift that persists is accepted after about one window.
 */
function level(p: Pass, s: ScreenSettings): number {
  if (p.levels.size >= s.minHistory) return p.levels.median();
  return p.all.size >= s.minHistory ? p.all.median() : Number.NaN;
}

function classify(
  v: number,
  prev: number,
  t: number,
  prevCode: number,
  p: Pass,
  s: ScreenSettings,
  G: number,
): AnomalyCode {
  if (v <= 0) return ANOMALY.nonpositive;
  const L = level(p, s);
  const outside = (y: number, ref: number): boolean => y > s.levelFactor * ref || y * s.levelFactor < ref;
  if (outside(v, L) || outside(v, G)) {
    const shiftedBefore = (prevCode === ANOMALY.spike || prevCode === ANOMALY.unitJump) && prev > 0;
    const prevOut = outside(prev, L) || outside(prev, G);
    const steady = Math.abs(v - prev) <= s.unitJumpTolerance * prev;
    return shiftedBefore && prevOut && steady ? ANOMALY.unitJump : ANOMALY.spike;
  }
  const gap = t - p.lastCleanAt;
  if (p.ramps.size >= s.minHistory && p.lastCleanAt >= 0 && gap <= s.maxRampGapHours && !Number.isNaN(L)) {
    const limit = Math.max(s.rampFactor * p.ramps.median() * Math.sqrt(gap), s.rampShare * L);
    if (Math.abs(v - p.lastClean) > limit) return ANOMALY.spike;
  }
  if (p.run >= s.stuckHours) return ANOMALY.stuck;
  if (p.run === 2 && p.ramps.size >= s.minHistory && p.ramps.median() >= s.duplicateRampMwh) return ANOMALY.duplicate;
  return ANOMALY.clean;
}

/** Median of the positive values of x[from, to) (the train rows); NaN when there are none. */
export function trainLevel(x: Float64Array, from: number, to: number): number {
  const values: number[] = [];
  for (let t = Math.max(0, from); t < Math.min(x.length, to); t++) {
    const v = x[t] ?? Number.NaN;
    if (v > 0) values.push(v);
  }
  values.sort((a, b) => a - b);
  return values[values.length >> 1] ?? Number.NaN;
}

/** Hours per class. */
export function countAnomalies(code: Uint8Array): AnomalyCounts {
  const counts: AnomalyCounts = { nonpositive: 0, spike: 0, stuck: 0, unit_jump: 0, duplicate: 0 };
  for (const c of code) {
    const name = ANOMALY_CLASSES[c - 1];
    if (name !== undefined) counts[name]++;
  }
  return counts;
}

/** A copy of `x` with flagged hours set to NaN (missing). */
export function withoutAnomalies(x: Float64Array, code: Uint8Array): Float64Array {
  const out = Float64Array.from(x);
  for (let t = 0; t < out.length; t++) if (code[t] !== ANOMALY.clean) out[t] = Number.NaN;
  return out;
}
