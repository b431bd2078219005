// Recorded history as the simulated server's row source: only the rows a query asks for
// (respondent and series facets, inclusive start/end, sort), paged without materialising them;
// hours the recording lacks are absent, as they are from the real API.
import { SIM_RESPONDENTS, SIM_ROUTES } from './catalog.ts';
import { formatSimHour } from './hours.ts';
import { readRecordedFiles, type RecordedFileSummary, type RecordedSeries } from './recorded-file.ts';
import { compareSlots, type PlanSink, type PlanSlot, type RowPlan, type RowSource, type SimSelection } from './rows.ts';

interface RecordedSlot extends PlanSlot {
  readonly data: RecordedSeries;
  /** Rows [from, to) of `data` fall inside the query's hours. */
  readonly from: number;
  readonly to: number;
}

/** What a recording holds, for messages and `--json`. */
export interface RecordedSummary {
  readonly files: readonly RecordedFileSummary[];
  readonly rows: number;
  readonly respondents: readonly string[];
  readonly series: readonly string[];
  /** First and last period (YYYY-MM-DDTHH, hour-ending UTC) over all series. */
  readonly first: string;
  readonly last: string;
}

const NAMES = new Map(SIM_RESPONDENTS.map((r) => [r.code, r.name]));

/** First index with sorted[i] ≥ value (upper = false) or > value (upper = true). */
function bound(sorted: Int32Array, value: number, upper: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] ?? 0;
    if (v < value || (upper && v === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RecordedRows implements RowSource {
  readonly kind = 'recorded';
  readonly lastHour: number;
  readonly firstHour: number;
  readonly summary: RecordedSummary;

  private constructor(
    private readonly series: readonly RecordedSeries[],
    files: readonly RecordedFileSummary[],
  ) {
    this.firstHour = Math.min(...series.map((s) => s.hours[0] ?? Number.POSITIVE_INFINITY));
    this.lastHour = Math.max(...series.map((s) => s.hours.at(-1) ?? Number.NEGATIVE_INFINITY));
    this.summary = {
      files,
      rows: files.reduce((n, f) => n + f.rows, 0),
      respondents: [...new Set(series.map((s) => s.respondent))].sort(),
      series: [...new Set(series.map((s) => s.series))].sort(),
      first: formatSimHour(this.firstHour),
      last: formatSimHour(this.lastHour),
    };
  }

  /** Reads the files (CSV or .csv.gz: period,respondent,type,value); throws RecordedDataError naming file and line. */
  static load(paths: readonly string[]): RecordedRows {
    const { series, files } = readRecordedFiles(paths);
    return new RecordedRows(series, files);
  }

  plan(sel: SimSelection): RowPlan {
    const lo = Math.max(sel.firstHour, this.firstHour);
    const hi = Math.min(sel.lastHour, this.lastHour);
    return new RecordedPlan(this.slots(sel, lo, hi), lo, hi, sel.periodDesc);
  }

  private slots(sel: SimSelection, lo: number, hi: number): RecordedSlot[] {
    // The recording holds region-data series only: other routes answer 0 rows, as an unknown facet value does.
    if (sel.route.route !== 'region-data') return [];
    const wantR = sel.respondents === undefined ? undefined : new Set(sel.respondents);
    const wantS = sel.series === undefined ? undefined : new Set(sel.series);
    const route = SIM_ROUTES['region-data'];
    return this.series
      .filter((s) => (wantR?.has(s.respondent) ?? true) && (wantS?.has(s.series) ?? true))
      .map((data) => ({
        respondent: { code: data.respondent, name: NAMES.get(data.respondent) ?? data.respondent },
        seriesCode: data.series,
        seriesName: route.series.find((x) => x.code === data.series)?.name ?? data.series,
        data,
        from: bound(data.hours, lo, false),
        to: bound(data.hours, hi, true),
      }))
      .sort(compareSlots(sel.order));
  }
}

/**
 * Rows of a query: rowsBefore[p] counts the rows of hour positions < p (position 0 = the first
 * hour in sort order), so a page at any offset starts with one binary search and costs O(page × slots).
 */
class RecordedPlan implements RowPlan<RecordedSlot> {
  readonly total: number;
  private readonly rowsBefore: Int32Array;
  private readonly positions: number;

  constructor(
    readonly slots: readonly RecordedSlot[],
    private readonly lo: number,
    private readonly hi: number,
    private readonly desc: boolean,
  ) {
    this.positions = Math.max(0, hi - lo + 1);
    const before = new Int32Array(this.positions + 1);
    for (const s of slots) {
      for (let i = s.from; i < s.to; i++) {
        const q = this.position(s.data.hours[i] ?? 0) + 1;
        before[q] = (before[q] ?? 0) + 1;
      }
    }
    for (let p = 0; p < this.positions; p++) before[p + 1] = (before[p + 1] ?? 0) + (before[p] ?? 0);
    this.rowsBefore = before;
    this.total = before[this.positions] ?? 0;
  }

  private position(hour: number): number {
    return this.desc ? this.hi - hour : hour - this.lo;
  }

  forEach(offset: number, length: number, sink: PlanSink<RecordedSlot>): number {
    if (offset >= this.total || length <= 0) return 0;
    // The hour position holding row `offset`: the last p with rowsBefore[p] ≤ offset.
    let p = bound(this.rowsBefore, offset, true) - 1;
    let skip = offset - (this.rowsBefore[p] ?? 0);
    const firstHour = this.desc ? this.hi - p : this.lo + p;
    // Per slot, the next row to look at in walking order.
    const cursor = this.slots.map((s) =>
      this.desc ? bound(s.data.hours, firstHour, true) - 1 : bound(s.data.hours, firstHour, false),
    );
    let emitted = 0;
    for (; p < this.positions && emitted < length; p++) {
      const hour = this.desc ? this.hi - p : this.lo + p;
      this.slots.forEach((slot, k) => {
        const i = cursor[k] ?? 0;
        if (emitted >= length || i < slot.from || i >= slot.to || slot.data.hours[i] !== hour) return;
        cursor[k] = this.desc ? i - 1 : i + 1;
        if (skip > 0) skip--;
        else {
          sink(slot, hour, slot.data.values[i] ?? null);
          emitted++;
        }
      });
    }
    return emitted;
  }
}
