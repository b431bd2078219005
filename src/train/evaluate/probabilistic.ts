// Probabilistic scores of the model's quantile forecasts: mean pinball (quantile) loss per level and
// over levels, in MWh and relative to the mean demand of the scored hours, and the share of scored
// hours inside the P10–P90 interval (its nominal coverage is 80 %).

/** Pinball loss of quantile level τ at forecast q for actual y: (y − q)·τ if y ≥ q, else (q − y)·(1 − τ). */
export function pinball(tau: number, q: number, y: number): number {
  return y >= q ? (y - q) * tau : (q - y) * (1 - tau);
}

export interface PinballMetrics {
  readonly levels: readonly number[];
  /** Mean pinball loss per level, MWh. */
  readonly byLevel: readonly number[];
  /** Mean over levels, MWh. */
  readonly mean: number;
  /** `mean` as % of the mean actual demand of the same hours (a scale-free figure to compare BAs). */
  readonly relativePercent: number;
}

/** Running sums for one respondent and view. */
export class QuantileSums {
  private readonly loss: Float64Array;
  private actual = 0;
  private n = 0;
  private inside = 0;
  private readonly p10: number;
  private readonly p90: number;

  constructor(readonly levels: readonly number[]) {
    this.loss = new Float64Array(levels.length);
    this.p10 = levels.indexOf(0.1);
    this.p90 = levels.indexOf(0.9);
  }

  /** q: the hour's Q quantiles (MWh, ascending), y its actual. */
  add(q: ArrayLike<number>, y: number): void {
    for (let l = 0; l < this.levels.length; l++)
      this.loss[l] = (this.loss[l] ?? 0) + pinball(this.levels[l] ?? 0.5, q[l] ?? Number.NaN, y);
    this.actual += Math.abs(y);
    this.n++;
    if (this.p10 >= 0 && this.p90 >= 0 && (q[this.p10] ?? Infinity) <= y && y <= (q[this.p90] ?? -Infinity))
      this.inside++;
  }

  /** Null for a point forecast (Q = 1: no quantiles to score) or without hours. */
  pinball(): PinballMetrics | null {
    if (this.levels.length < 2 || this.n === 0) return null;
    const byLevel = Array.from(this.loss, (s) => s / this.n);
    const mean = byLevel.reduce((a, b) => a + b, 0) / byLevel.length;
    return { levels: this.levels, byLevel, mean, relativePercent: (100 * mean) / (this.actual / this.n) };
  }

  /** % of hours with P10 ≤ y ≤ P90; null unless the levels hold 0.1 and 0.9. */
  coverage(): number | null {
    return this.p10 < 0 || this.p90 < 0 || this.n === 0 ? null : (100 * this.inside) / this.n;
  }
}
