// A full year of SLD_FCST (ACTUAL, DAM) and SLD_REN_FCST (DAM) from the twin lands every hourly row
// exactly once, with the twin's values; faults, "GroupZip in processing" and windows OASIS calls
// too long change nothing on disk; DST days land 24 UTC hours each (23 and 25 local).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  operatingHour,
  parseHour,
  runCaisoExtract,
  startCaisoSimServer,
  type CaisoExtractResult,
  type CaisoSimOptions,
} from '../../../src/ingest/index.ts';
import { landedRows, twinTruth, YEAR_RUNS } from './support.ts';

const hour = (text: string): number => parseHour(text) ?? Number.NaN;
const [START, END] = [hour('2024-01-01T01'), hour('2025-01-01T00')]; // hour-ending: the 8,784 hours of 2024
const K = 50;

async function extract(
  twin: CaisoSimOptions,
  runs = YEAR_RUNS,
  range = [START, END] as const,
): Promise<{ result: CaisoExtractResult; outDir: string }> {
  const sim = await startCaisoSimServer({ timeScale: K, ...twin });
  const outDir = mkdtempSync(join(tmpdir(), 'wattring-caiso-'));
  try {
    const result = await runCaisoExtract({
      source: 'caiso-sim',
      baseUrl: sim.url,
      outDir,
      resume: false,
      timeScale: K,
      plan: { runs, startMs: range[0], endMs: range[1] },
    });
    return { result, outDir };
  } finally {
    await sim.close();
  }
}

describe('CAISO extract on the twin', () => {
  let clean: Awaited<ReturnType<typeof extract>>;
  beforeAll(async () => {
    clean = await extract({});
  });

  it("lands every hour of every series exactly once, with the twin's values", () => {
    const truth = twinTruth(1, YEAR_RUNS, START, END);
    expect(truth.size).toBe(8784 * 18); // 6 TAC areas × 2 runs + 3 hubs × 2 types
    const { result, outDir } = clean;
    expect(result.fatal).toBeUndefined();
    expect(result.outcomes.every((o) => o.kind === 'landed')).toBe(true);
    expect(result.rowsOnDisk).toBe(truth.size);
    expect(result.duplicates).toBe(0);
    expect(result.coverage.absentHours).toBe(0);
    let mismatched = 0;
    for (const row of landedRows(outDir)) {
      const want = truth.get(`${row.period}|${row.respondent}|${row.series}`);
      if (want === undefined || row.value !== want || row.intervals !== 1) mismatched++; // exact: same two-decimal MW
    }
    expect(mismatched).toBe(0);
  });

  it('lands the spring-forward and fall-back days as 24 UTC hours each: 23 and 25 local, no gap, no duplicate', () => {
    const load = landedRows(clean.outDir).filter((r) => r.respondent === 'CA ISO-TAC' && r.series === 'SLD_FCST:DAM');
    for (const [day, localHours] of [
      ['2024-03-10', 23],
      ['2024-11-03', 25],
    ] as const) {
      const utc = load.filter((r) => new Date(r.period).toISOString().startsWith(day));
      expect(utc).toHaveLength(24);
      // The local operating day of an hour-ending period is that of the interval starting an hour earlier.
      const local = load
        .filter((r) => operatingHour(r.period - 3_600_000).date === day)
        .map((r) => r.period)
        .sort((a, b) => a - b);
      expect(local).toHaveLength(localHours);
      expect(new Set(local).size).toBe(localHours);
      expect(local.every((p, i) => i === 0 || p - (local[i - 1] ?? 0) === 3_600_000)).toBe(true);
    }
  });

  it('lands the same rows with 10 % 5xx, 2 % resets and 1 % truncated ZIPs', async () => {
    const faulty = await extract({ faults: { http5xx: 0.1, reset: 0.02, truncated: 0.01 }, seed: 1 });
    const s = faulty.result.stats.byOutcome;
    expect(s.http5xx + s.reset + s.truncated).toBeGreaterThan(0);
    expect(faulty.result.contentSha256).toBe(clean.result.contentSha256);
    expect(faulty.result.duplicates).toBe(0);
  });

  it(
    'splits a window OASIS calls too long (1004) and retries "GroupZip in processing" (1015), landing the same ' +
      'rows',
    async () => {
      const runs = [{ report: 'SLD_FCST' as const, marketRun: 'DAM' }];
      const [start, end] = [hour('2024-01-01T01'), hour('2024-04-01T00')];
      const split = await extract({ maxSpanDays: 10, busy: 0.2 }, runs, [start, end]);
      const s = split.result.stats.byOutcome;
      expect(s['too-long']).toBeGreaterThan(0); // each 1004 answer, before its halves are asked
      expect(s.busy).toBeGreaterThan(0);
      expect(s.fatal).toBe(0);
      const truth = twinTruth(1, runs, start, end);
      expect(split.result.rowsOnDisk).toBe(truth.size);
      expect(split.result.duplicates).toBe(0);
      expect(
        landedRows(split.outDir).filter((r) => truth.get(`${r.period}|${r.respondent}|${r.series}`) !== r.value),
      ).toEqual([]);
    },
  );

  it('reports a range the twin has no data for as empty windows and no-data requests, not success', async () => {
    const none = await extract(
      {},
      [{ report: 'SLD_FCST', marketRun: 'DAM' }],
      [hour('2012-01-01T01'), hour('2012-01-10T00')],
    );
    expect(none.result.outcomes.map((o) => o.kind)).toEqual(['empty']);
    expect(none.result.stats.byOutcome['no-data']).toBe(1);
    expect(none.result.stats.byOutcome.ok).toBe(0);
    expect(none.result.coverage.emptyRespondents).toContain('CA ISO-TAC');
  });
});
