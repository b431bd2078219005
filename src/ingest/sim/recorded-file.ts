// Reads recorded hourly history for the simulated server: CSV files (gzip or plain) with the
// columns period,respondent,type,value — the format of ../shared/data (docs/ingest-sim.md,
// "Recorded history"). Every problem is an error naming the file and line.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UsageError } from '../../core/index.ts';
import { SIM_ROUTES } from './catalog.ts';
import { parseSimHour } from './hours.ts';

/** One (respondent, series) of the file(s): its hours ascending and their values as recorded. */
export interface RecordedSeries {
  readonly respondent: string;
  readonly series: string;
  /** Hour indexes (hour-ending, UTC, hours since 1970), strictly ascending. */
  readonly hours: Int32Array;
  /** The recorded number's text, or null for an empty value (served as `null`, as the API does). */
  readonly values: readonly (string | null)[];
}

export interface RecordedFileSummary {
  readonly path: string;
  readonly rows: number;
}

export const RECORDED_COLUMNS = ['period', 'respondent', 'type', 'value'] as const;
const HOUR_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}$/;
const CODE = /^[A-Z0-9][A-Z0-9_-]{0,15}$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const REGION_SERIES = new Set(SIM_ROUTES['region-data'].series.map((s) => s.code));

/** Bad recorded data: names the file, the line and what is wrong. Exit status 2 (bad input). */
export class RecordedDataError extends UsageError {
  constructor(path: string, line: number | undefined, problem: string) {
    super('SIM_RECORDED_BAD', `${path}${line === undefined ? '' : `:${line}`}: ${problem}`);
  }
}

interface Pending {
  respondent: string;
  series: string;
  hours: number[];
  values: (string | null)[];
  /** "file:line" of each row, for the duplicate message. */
  where: string[];
}

function text(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new RecordedDataError(path, undefined, `cannot be read (${String(cause)}); give a CSV or .csv.gz file`);
  }
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes.toString('utf8');
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch (cause) {
    throw new RecordedDataError(path, undefined, `is not a readable gzip file (${String(cause)})`);
  }
}

/** Column positions from the header line; the four columns in any order, others refused. */
function header(path: string, line: string | undefined): Map<string, number> {
  const names = (line ?? '')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(',');
  const at = new Map(names.map((n, i) => [n.trim(), i]));
  const missing = RECORDED_COLUMNS.filter((c) => !at.has(c));
  if (missing.length > 0 || names.length !== RECORDED_COLUMNS.length) {
    throw new RecordedDataError(
      path,
      1,
      `the header must name the columns ${RECORDED_COLUMNS.join(',')}, got ${JSON.stringify(line ?? '')}`,
    );
  }
  return at;
}

function parseRow(
  path: string,
  lineNo: number,
  fields: readonly string[],
  at: Map<string, number>,
): { hour: number; respondent: string; series: string; value: string | null } {
  const field = (name: (typeof RECORDED_COLUMNS)[number]): string => (fields[at.get(name) ?? 0] ?? '').trim();
  const bad = (problem: string): never => {
    throw new RecordedDataError(path, lineNo, problem);
  };
  if (fields.length !== RECORDED_COLUMNS.length)
    bad(`expected ${RECORDED_COLUMNS.length} comma-separated fields, got ${fields.length}`);
  const period = field('period');
  const hour = HOUR_TEXT.test(period) ? parseSimHour(period) : undefined;
  if (hour === undefined) bad(`period ${JSON.stringify(period)} is not a UTC hour YYYY-MM-DDTHH (hour-ending)`);
  const respondent = field('respondent');
  if (!CODE.test(respondent)) bad(`respondent ${JSON.stringify(respondent)} is not a respondent code such as PACW`);
  const series = field('type');
  if (!REGION_SERIES.has(series))
    bad(`type ${JSON.stringify(series)} is not a region-data series (${[...REGION_SERIES].join(', ')})`);
  const value = field('value');
  if (value !== '' && !NUMBER.test(value)) bad(`value ${JSON.stringify(value)} is not a number`);
  return { hour: hour ?? 0, respondent, series, value: value === '' ? null : value };
}

function readOne(path: string, into: Map<string, Pending>): number {
  const lines = text(path).split('\n');
  const at = header(path, lines[0]);
  let rows = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const row = parseRow(path, i + 1, line.split(','), at);
    const key = `${row.respondent}|${row.series}`;
    let p = into.get(key);
    if (p === undefined) {
      p = { respondent: row.respondent, series: row.series, hours: [], values: [], where: [] };
      into.set(key, p);
    }
    p.hours.push(row.hour);
    p.values.push(row.value);
    p.where.push(`${path}:${i + 1}`);
    rows++;
  }
  if (rows === 0) throw new RecordedDataError(path, undefined, 'holds a header but no rows');
  return rows;
}

/** Sorts one series by hour and refuses a second row for the same hour. */
function finish(p: Pending): RecordedSeries {
  const order = p.hours.map((_, i) => i).sort((a, b) => (p.hours[a] ?? 0) - (p.hours[b] ?? 0));
  const hours = Int32Array.from(order, (i) => p.hours[i] ?? 0);
  for (let k = 1; k < hours.length; k++) {
    if (hours[k] === hours[k - 1]) {
      const first = p.where[order[k - 1] ?? 0] ?? '?';
      const [file = '?', line] = (p.where[order[k] ?? 0] ?? '?').split(/:(?=\d+$)/);
      throw new RecordedDataError(
        file,
        line === undefined ? undefined : Number(line),
        `a second row for (${p.respondent}, ${p.series}) at the same period (first at ${first}); rows must be unique`,
      );
    }
  }
  return { respondent: p.respondent, series: p.series, hours, values: order.map((i) => p.values[i] ?? null) };
}

/** Reads every file; series are merged across files (a repeated row is an error naming both places). */
export function readRecordedFiles(paths: readonly string[]): {
  series: RecordedSeries[];
  files: RecordedFileSummary[];
} {
  if (paths.length === 0) throw new RecordedDataError('--data', undefined, 'give at least one file');
  const pending = new Map<string, Pending>();
  const files = paths.map((path) => ({ path, rows: readOne(path, pending) }));
  return { series: [...pending.values()].map(finish), files };
}
