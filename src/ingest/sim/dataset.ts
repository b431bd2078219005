// The rows a query selects, in the API's sort order, without materialising them: a grid of
// hours × (respondent, series) slots minus the absent rows, so any page is O(page) to produce.
import { SIM_LAST_HOUR, SIM_RESPONDENTS, seriesOf, type SimRespondent } from './catalog.ts';
import { absentHours, isNullHour, lowerBound } from './gaps.ts';
import { FUEL_SLOT, REGION_SLOT, modelFor, type RespondentModel } from './model.ts';
import { compareSlots, type RowPlan, type RowSource, type SimSelection } from './rows.ts';

export interface SimSlot {
  readonly respondent: SimRespondent;
  readonly seriesCode: string;
  readonly seriesName: string;
  readonly model: RespondentModel;
  /** Index into the model's value vector. */
  readonly valueSlot: number;
  /** Noise key of this series: respondentIndex * 16 + valueSlot. */
  readonly key: number;
  readonly absent: Int32Array;
}

export type { SimSelection, SlotOrder } from './rows.ts';

export type RowSink = (slot: SimSlot, hour: number, value: number | null) => void;

function buildSlots(seed: number, sel: SimSelection): SimSlot[] {
  const wantR = sel.respondents === undefined ? undefined : new Set(sel.respondents);
  const wantS = sel.series === undefined ? undefined : new Set(sel.series);
  const slotOf = sel.route.route === 'region-data' ? REGION_SLOT : FUEL_SLOT;
  const slots: SimSlot[] = [];
  SIM_RESPONDENTS.forEach((respondent, index) => {
    if (wantR !== undefined && !wantR.has(respondent.code)) return;
    for (const code of seriesOf(sel.route, respondent)) {
      if (wantS !== undefined && !wantS.has(code)) continue;
      const valueSlot = slotOf[code] ?? 0;
      const key = index * 16 + valueSlot;
      const seriesName = sel.route.series.find((s) => s.code === code)?.name ?? code;
      const model = modelFor(seed, index, respondent);
      slots.push({ respondent, seriesCode: code, seriesName, model, valueSlot, key, absent: absentHours(seed, key) });
    }
  });
  return slots.sort(compareSlots(sel.order));
}

/** A query resolved against the synthetic data: its total and a way to walk any page of it. */
export class SimPlan implements RowPlan<SimSlot> {
  readonly slots: readonly SimSlot[];
  readonly total: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly size: number;
  /** Grid positions (hourPos * slots + slot) of absent rows, ascending. */
  private readonly absentGrid: Float64Array;

  constructor(
    private readonly seed: number,
    private readonly sel: SimSelection,
  ) {
    this.slots = buildSlots(seed, sel);
    this.lo = Math.max(sel.firstHour, sel.route.firstHour);
    this.hi = Math.min(sel.lastHour, SIM_LAST_HOUR);
    const hours = Math.max(0, this.hi - this.lo + 1);
    this.size = hours * this.slots.length;
    this.absentGrid = this.findAbsent();
    this.total = this.size - this.absentGrid.length;
  }

  private findAbsent(): Float64Array {
    const found: number[] = [];
    const width = this.slots.length;
    this.slots.forEach((slot, s) => {
      for (let i = lowerBound(slot.absent, this.lo); i < slot.absent.length; i++) {
        const hour = slot.absent[i] ?? 0;
        if (hour > this.hi) break;
        found.push((this.sel.periodDesc ? this.hi - hour : hour - this.lo) * width + s);
      }
    });
    return Float64Array.from(found).sort();
  }

  /** Calls `sink` for rows offset .. offset+length−1 (fewer at the end); returns how many. */
  forEach(offset: number, length: number, sink: RowSink): number {
    return this.walk(offset, length, sink, true);
  }

  /** Calls `sink` for every row whose value is null, without computing any values (cheap). */
  forEachNull(sink: (slot: SimSlot, hour: number) => void): void {
    this.walk(
      0,
      this.total,
      (slot, hour, value) => {
        if (value === null) sink(slot, hour);
      },
      false,
    );
  }

  /** With `values` false, non-null rows get NaN instead of their computed value. */
  private walk(offset: number, length: number, sink: RowSink, values: boolean): number {
    const absent = this.absentGrid;
    let g = offset;
    let p = 0;
    // Skip as many grid positions as there are absent rows at or before the target.
    while (p < absent.length && (absent[p] ?? 0) <= g) {
      g++;
      p++;
    }
    const width = this.slots.length;
    let emitted = 0;
    for (; emitted < length && g < this.size; g++) {
      if (p < absent.length && absent[p] === g) {
        p++;
        continue;
      }
      const hourPos = Math.floor(g / width);
      const slot = this.slots[g - hourPos * width];
      if (slot === undefined) break;
      const hour = this.sel.periodDesc ? this.hi - hourPos : this.lo + hourPos;
      const isNull = isNullHour(this.seed, slot.key, hour);
      sink(slot, hour, isNull ? null : values ? slot.model.value(slot.valueSlot, hour) : Number.NaN);
      emitted++;
    }
    return emitted;
  }
}

/** The deterministic synthetic data set of `seed`, as the server's row source. */
export function syntheticRows(seed: number): RowSource {
  return { kind: 'synthetic', lastHour: SIM_LAST_HOUR, plan: (selection) => new SimPlan(seed, selection) };
}
