// Test helpers for CAISO: the twin's truth for a plan (hourly means, as the client computes them)
// and every row landed under an --out folder, read back from the Arrow files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import {
  HOUR_MS,
  readManifest,
  readRawColumns,
  reportRunName,
  seriesOfRow,
  TWIN_FIRST_MS,
  TWIN_LAST_MS,
  twinSeries,
  TwinValues,
  type CaisoReportRun,
} from '../../../src/ingest/index.ts';

/** `periodMs|respondent|series` → value of every hourly row the twin holds in [startMs, endMs]. */
export function twinTruth(
  seed: number,
  runs: readonly CaisoReportRun[],
  startMs: number,
  endMs: number,
): Map<string, number> {
  const values = new TwinValues(seed);
  const out = new Map<string, number>();
  for (const run of runs) {
    for (const s of twinSeries(run)) {
      const series = seriesOfRow(run, (column) =>
        column === 'RENEWABLE_TYPE' ? s.part : column === 'XML_DATA_ITEM' ? s.xmlItem : '',
      );
      for (let p = Math.max(startMs, TWIN_FIRST_MS); p <= Math.min(endMs, TWIN_LAST_MS); p += HOUR_MS) {
        const mw = values.intervalsMw(run, s, p / HOUR_MS).sort((a, b) => a - b);
        out.set(`${p}|${s.respondent}|${series}`, mw.reduce((a, b) => a + b, 0) / mw.length);
      }
    }
  }
  return out;
}

export interface LandedRow {
  readonly route: string;
  readonly period: number;
  readonly respondent: string;
  readonly series: string;
  readonly value: number | null;
  readonly intervals: number;
}

export function landedRows(outDir: string): LandedRow[] {
  const manifest = readManifest(outDir);
  if (!manifest) throw new Error(`${outDir} has no manifest`);
  const out: LandedRow[] = [];
  for (const entry of Object.values(manifest.windows)) {
    const table = tableFromIPC(readFileSync(join(outDir, entry.file)));
    const cols = readRawColumns(table);
    const intervals = table.getChild('intervals');
    for (let i = 0; i < cols.length; i++) {
      out.push({
        route: entry.route,
        period: cols.period(i),
        respondent: cols.respondent(i),
        series: cols.series(i),
        value: cols.value(i),
        intervals: Number(intervals?.get(i) ?? -1),
      });
    }
  }
  return out;
}

export const YEAR_RUNS: readonly CaisoReportRun[] = [
  { report: 'SLD_FCST', marketRun: 'ACTUAL' },
  { report: 'SLD_FCST', marketRun: 'DAM' },
  { report: 'SLD_REN_FCST', marketRun: 'DAM' },
];

export const runNames = (runs: readonly CaisoReportRun[]): string => runs.map(reportRunName).join(',');
