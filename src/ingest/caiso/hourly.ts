// An OASIS CSV (csv-parse) → hourly rows of the long store: the `*_GMT` interval start is the time,
// rows arrive unsorted, and sub-hourly intervals become the hour's mean MW (= MWh), hour-ending.
import { parse } from 'csv-parse/sync';
import { newDicts, RowColumns } from '../columns.ts';
import { HOUR_MS } from '../hours.ts';
import { parseGmtStamp } from './oasis-time.ts';
import { CAISO_REPORTS, seriesOfRow, type CaisoReportRun } from './reports.ts';

export interface HourlyRows {
  readonly rows: RowColumns;
  /** Intervals averaged into each row (12 for a full 5-minute hour, 1 for hourly reports). */
  readonly intervals: Int32Array;
  /** Data rows in the CSV. */
  readonly csvRows: number;
  /** CSV rows whose hour lies outside the asked window (OASIS's end bound), not landed. */
  readonly outside: number;
}

/** A CSV that cannot be read as the report's columns; the message names the row and column. */
export class CsvShapeError extends Error {}

export const CAISO_UNITS = 'megawatthours';

interface Cell {
  readonly mw: number[];
  readonly period: number;
  readonly respondent: string;
  readonly series: string;
}

/**
 * Aggregates the CSV into one row per (hour-ending, respondent, series) inside [startMs, endMs]
 * (inclusive hour-ending bounds), sorted by period, respondent, series so a file's bytes do not
 * depend on the order OASIS sent the rows in.
 */
export function hourlyRows(text: string, run: CaisoReportRun, startMs: number, endMs: number): HourlyRows {
  const table = readCsv(text);
  const header = table[0] ?? [];
  const column = columnIndex(header);
  const [startCol, mwCol, whoCol] = [
    column('INTERVALSTARTTIME_GMT'),
    column('MW'),
    column(CAISO_REPORTS[run.report].respondentColumn),
  ];
  const cells = new Map<string, Cell>();
  const seen = new Set<string>();
  let outside = 0;
  for (let r = 1; r < table.length; r++) {
    const line = table[r] ?? [];
    const field = (name: string): string => line[column(name)] ?? '';
    const stamp = line[startCol] ?? '';
    const start = parseGmtStamp(stamp);
    if (start === undefined)
      throw new CsvShapeError(`CSV row ${r + 1}: INTERVALSTARTTIME_GMT ${JSON.stringify(stamp)} is not an ISO time`);
    const period = Math.floor(start / HOUR_MS) * HOUR_MS + HOUR_MS;
    if (period < startMs || period > endMs) {
      outside++;
      continue;
    }
    const respondent = line[whoCol] ?? '';
    const series = seriesOfRow(run, field);
    const intervalKey = `${start}|${respondent}|${series}`;
    if (seen.has(intervalKey))
      throw new CsvShapeError(`CSV row ${r + 1}: interval ${stamp} of ${respondent} ${series} appears twice`);
    seen.add(intervalKey);
    const key = `${period}|${respondent}|${series}`;
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = { mw: [], period, respondent, series };
      cells.set(key, cell);
    }
    const mwText = line[mwCol] ?? '';
    const mw = Number(mwText);
    if (mwText.trim() === '') continue; // a blank MW is a missing interval: the hour's count shows it
    if (!Number.isFinite(mw)) throw new CsvShapeError(`CSV row ${r + 1}: MW ${JSON.stringify(mwText)} is not a number`);
    cell.mw.push(mw);
  }
  return { ...toColumns([...cells.values()]), csvRows: table.length - 1, outside };
}

/**
 * csv-parse reads any CSV (quoted fields included); a reply without a single quote character is
 * split directly, which gives the same cells at a fraction of the CPU (docs/measurements.md,
 * "CAISO: splitting unquoted CSV directly"), so a year of 5-minute data costs little CPU.
 */
function readCsv(text: string): string[][] {
  if (!text.includes('"')) return plainSplit(text);
  try {
    return parse(text, { skip_empty_lines: true, relax_column_count: false, bom: true });
  } catch (cause) {
    throw new CsvShapeError(`CSV does not parse: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function plainSplit(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) if (line !== '') out.push(line.split(','));
  const width = out[0]?.length ?? 0;
  const bad = out.findIndex((cells) => cells.length !== width);
  if (bad >= 0)
    throw new CsvShapeError(`CSV row ${bad + 1} has ${out[bad]?.length ?? 0} fields; the header has ${width}`);
  return out;
}

function columnIndex(header: readonly string[]): (name: string) => number {
  const at = new Map(header.map((h, i) => [h.trim(), i]));
  return (name) => {
    const i = at.get(name);
    if (i === undefined) throw new CsvShapeError(`CSV has no ${name} column (header: ${header.join(',')})`);
    return i;
  };
}

function toColumns(cells: Cell[]): { rows: RowColumns; intervals: Int32Array } {
  cells.sort((a, b) => a.period - b.period || cmp(a.respondent, b.respondent) || cmp(a.series, b.series));
  const rows = new RowColumns(newDicts(), cells.length);
  const intervals = new Int32Array(cells.length);
  cells.forEach((c, i) => {
    // Summed in sorted order so the mean's last bits do not depend on the order rows arrived in.
    const n = c.mw.length;
    const sum = c.mw.sort((a, b) => a - b).reduce((a, b) => a + b, 0);
    rows.push(c.period, c.respondent, c.series, n > 0 ? sum / n : null, CAISO_UNITS);
    intervals[i] = n;
  });
  return { rows, intervals };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
