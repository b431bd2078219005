// zod schema of the EIA v2 envelope, and a hand-rolled row checker that parses rows straight into
// columns (zod per row would cost more than the JSON parse itself; docs/ingest-sim.md "What it answers" for the shape).
import { z } from 'zod';
import type { RowColumns } from './columns.ts';
import { makePeriodParser } from './hours.ts';

/** `total` arrives as a string since v2.1.6 and as a number before. */
const Total = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);

export const EnvelopeSchema = z.object({
  response: z.object({
    total: Total,
    dateFormat: z.string().optional(),
    frequency: z.string().optional(),
    // Rows are checked by parseRows below; zod only confirms this is an array.
    data: z.custom<unknown[]>((v) => Array.isArray(v), { message: 'expected an array of rows' }),
    description: z.string().optional(),
  }),
  request: z
    .object({ command: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  apiVersion: z.string().optional(),
  warnings: z.array(z.object({ warning: z.string(), description: z.string().optional() }).loose()).optional(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Error bodies: `{error:{code,message}}` (key errors) or `{error:"…", code:400}` (parameters, 404). */
export const ErrorBodySchema = z.object({
  error: z.union([z.string(), z.object({ code: z.string().optional(), message: z.string().optional() }).loose()]),
  code: z.union([z.number(), z.string()]).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** A row that failed the checker; `path` is like `data[3].value`. */
export class RowCheckError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`${path}: expected ${expected}, got ${JSON.stringify(got)?.slice(0, 60) ?? String(got)}`);
  }
}

export interface RowShape {
  /** Row field that holds the series code: `type` (region-data) or `fueltype` (fuel-type-data). */
  readonly seriesField: string;
}

/**
 * Checks every row and appends it to `out`: period `YYYY-MM-DDTHH` (hour-ending UTC), respondent,
 * series, value (numeric string, number or null) and `value-units`. Throws RowCheckError on the first bad row.
 */
export function parseRows(data: readonly unknown[], shape: RowShape, out: RowColumns): void {
  const parsePeriod = makePeriodParser();
  const seriesField = shape.seriesField;
  for (let i = 0; i < data.length; i++) {
    const row = data[i];
    if (typeof row !== 'object' || row === null) throw new RowCheckError(`data[${i}]`, 'an object', row);
    const r = row as Record<string, unknown>; // narrowed to object above; fields are checked one by one below
    const period = r['period'];
    const periodMs = typeof period === 'string' ? parsePeriod(period) : undefined;
    if (periodMs === undefined) throw new RowCheckError(`data[${i}].period`, 'YYYY-MM-DDTHH', period);
    const respondent = r['respondent'];
    if (typeof respondent !== 'string' || respondent.length === 0)
      throw new RowCheckError(`data[${i}].respondent`, 'a code', respondent);
    const series = r[seriesField];
    if (typeof series !== 'string' || series.length === 0)
      throw new RowCheckError(`data[${i}].${seriesField}`, 'a code', series);
    const units = r['value-units'];
    if (typeof units !== 'string') throw new RowCheckError(`data[${i}].value-units`, 'a string', units);
    out.push(periodMs, respondent, series, parseValue(r['value'], i), units);
  }
}

function parseValue(value: unknown, i: number): number | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.length > 0) {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  throw new RowCheckError(`data[${i}].value`, 'a numeric string, number or null', value);
}
