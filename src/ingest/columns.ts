// Column buffers that rows are parsed straight into: typed arrays plus shared string dictionaries,
// so a page becomes Arrow columns without per-row objects (the hot path of ingest).

/** A string → dense index map; shared by every page of one window so indices line up. */
export class StringDict {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  private lastValue: string | undefined;
  private lastId = 0;

  id(value: string): number {
    // Consecutive rows mostly repeat a value (units always, respondent often): skip the Map then.
    if (value === this.lastValue) return this.lastId;
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    this.lastValue = value;
    this.lastId = i;
    return i;
  }
}

export interface WindowDicts {
  readonly respondent: StringDict;
  readonly series: StringDict;
  readonly units: StringDict;
}

export function newDicts(): WindowDicts {
  return { respondent: new StringDict(), series: new StringDict(), units: new StringDict() };
}

/** Rows of one page (or a whole window once pages are joined), column by column. */
export class RowColumns {
  length = 0;
  /** period: epoch ms, hour-ending UTC. */
  period: Float64Array;
  respondent: Int32Array;
  series: Int32Array;
  units: Int32Array;
  /** value: NaN where `valid` is 0 (the API sent null). */
  value: Float64Array;
  valid: Uint8Array;
  nullCount = 0;

  constructor(
    readonly dicts: WindowDicts,
    capacity = 5000,
  ) {
    this.period = new Float64Array(capacity);
    this.respondent = new Int32Array(capacity);
    this.series = new Int32Array(capacity);
    this.units = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.valid = new Uint8Array(capacity);
  }

  push(periodMs: number, respondent: string, series: string, value: number | null, units: string): void {
    if (this.length === this.period.length) this.grow(this.length * 2 + 16);
    const i = this.length++;
    this.period[i] = periodMs;
    this.respondent[i] = this.dicts.respondent.id(respondent);
    this.series[i] = this.dicts.series.id(series);
    this.units[i] = this.dicts.units.id(units);
    if (value === null) {
      this.value[i] = Number.NaN;
      this.valid[i] = 0;
      this.nullCount++;
    } else {
      this.value[i] = value;
      this.valid[i] = 1;
    }
  }

  /** Appends another page's rows (same dictionaries) after this one's. */
  append(other: RowColumns): void {
    if (other.dicts !== this.dicts) throw new Error('RowColumns.append: pages of one window must share dictionaries');
    const n = this.length + other.length;
    if (n > this.period.length) this.grow(n);
    const k = other.length;
    this.period.set(other.period.subarray(0, k), this.length);
    this.respondent.set(other.respondent.subarray(0, k), this.length);
    this.series.set(other.series.subarray(0, k), this.length);
    this.units.set(other.units.subarray(0, k), this.length);
    this.value.set(other.value.subarray(0, k), this.length);
    this.valid.set(other.valid.subarray(0, k), this.length);
    this.length = n;
    this.nullCount += other.nullCount;
  }

  private grow(capacity: number): void {
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.period = grow(this.period, (n) => new Float64Array(n));
    this.respondent = grow(this.respondent, (n) => new Int32Array(n));
    this.series = grow(this.series, (n) => new Int32Array(n));
    this.units = grow(this.units, (n) => new Int32Array(n));
    this.value = grow(this.value, (n) => new Float64Array(n));
    this.valid = grow(this.valid, (n) => new Uint8Array(n));
  }
}
