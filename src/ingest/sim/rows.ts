// Where the simulated server's rows come from: a RowSource turns a parsed query (selection) into a
// plan that knows its total and can walk any page. The synthetic generator is one source, recorded
// history (recorded.ts) another; the server loop, envelope and gateway are the same for both.
import type { SimRouteSpec } from './catalog.ts';

/** Ordering after `period` (which always sorts first): respondent/series, each asc or desc. */
export interface SlotOrder {
  readonly keys: readonly { readonly column: 'respondent' | 'series'; readonly desc: boolean }[];
}

export interface SimSelection {
  readonly route: SimRouteSpec;
  /** undefined = every respondent (no facet given). */
  readonly respondents: readonly string[] | undefined;
  readonly series: readonly string[] | undefined;
  /** Inclusive hour indexes as requested; clamped to the data span here. */
  readonly firstHour: number;
  readonly lastHour: number;
  readonly periodDesc: boolean;
  readonly order: SlotOrder;
}

/** What the envelope needs of a (respondent, series) pair. */
export interface PlanSlot {
  readonly respondent: { readonly code: string; readonly name: string };
  readonly seriesCode: string;
  readonly seriesName: string;
}

/**
 * A row's value as the API sends it: a number (formatted as a string in the body), the recorded
 * text of a number (sent as is, in quotes), or null (a hour the API knows but has no value for).
 */
export type RowValue = number | string | null;

export type PlanSink<S extends PlanSlot> = (slot: S, hour: number, value: RowValue) => void;

/** One query's rows, in the API's sort order (period first, then the slots' order). */
export interface RowPlan<S extends PlanSlot = PlanSlot> {
  readonly slots: readonly S[];
  readonly total: number;
  /** Calls `sink` for rows offset .. offset+length−1 (fewer at the end); returns how many. */
  forEach(offset: number, length: number, sink: PlanSink<S>): number;
}

export interface RowSource {
  readonly kind: 'synthetic' | 'recorded';
  /** Default `end` of a query without one (hour index). */
  readonly lastHour: number;
  plan(selection: SimSelection): RowPlan;
}

/** Ordering of slots after `period`: the sort keys given, then respondent and series ascending. */
export function compareSlots(order: SimSelection['order']): (a: PlanSlot, b: PlanSlot) => number {
  const keys = [...order.keys];
  if (!keys.some((k) => k.column === 'respondent')) keys.push({ column: 'respondent', desc: false });
  if (!keys.some((k) => k.column === 'series')) keys.push({ column: 'series', desc: false });
  return (a, b) => {
    for (const k of keys) {
      const [x, y] = k.column === 'respondent' ? [a.respondent.code, b.respondent.code] : [a.seriesCode, b.seriesCode];
      if (x !== y) return (x < y ? -1 : 1) * (k.desc ? -1 : 1);
    }
    return 0;
  };
}
