// End to end on the loopback simulated server: every row the server has lands exactly once in
// Arrow files (pagination included), also with 5xx, resets, truncated bodies and stalls injected.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parseHour, readManifest, readRawColumns, type PlanInput } from '../../src/ingest/index.ts';
import { extractOnSim, KEY, serverAbsentCount, serverRows } from './support/extract-on-sim.ts';

const hour = (t: string): number => parseHour(t) ?? Number.NaN;
const plan: Omit<PlanInput, 'seriesPerRespondent'> = {
  routes: ['region-data', 'fuel-type-data'],
  respondents: ['PACW', 'ERCO'],
  series: { 'region-data': ['D', 'NG'], 'fuel-type-data': [] },
  startMs: hour('2023-12-20T00'),
  endMs: hour('2024-03-05T23'),
  // 1,848 h × 2 respondents × 2 series = 7,392 region rows: two pages per window
  windowHours: 1848,
};

function landedRows(outDir: string): string[] {
  const manifest = readManifest(outDir);
  const out: string[] = [];
  for (const w of Object.values(manifest?.windows ?? {})) {
    const cols = readRawColumns(tableFromIPC(readFileSync(join(outDir, w.file))));
    for (let i = 0; i < cols.length; i++)
      out.push(`${w.route}|${cols.period(i)}|${cols.respondent(i)}|${cols.series(i)}|${cols.value(i) ?? 'null'}`);
  }
  return out.sort();
}

describe('extract on the simulated EIA server', () => {
  const expected = serverRows(1, plan);

  it('lands every row the server has, once, across multi-page windows', async () => {
    const { result, outDir, sim } = await extractOnSim(plan, { timeScale: 200 });
    const rows = landedRows(outDir);
    expect(rows.length).toBe(expected.length);
    expect(rows).toEqual(expected);
    expect(result.duplicates).toBe(0);
    expect(result.outcomes.every((o) => o.kind === 'landed')).toBe(true);
    expect(result.stats.rowsFetched).toBe(expected.length);
    expect(result.stats.byOutcome.ok).toBeGreaterThan(result.plan.windows.length); // some windows took 2 pages
    expect(result.coverage.absentHours).toBe(serverAbsentCount(1, plan));
    expect(sim.rateLimited).toBe(0);
    expect(readFileSync(join(outDir, 'manifest.json'), 'utf8')).not.toContain(KEY);
  });

  it('lands the same rows exactly once with 5xx, resets, truncated bodies and stalls injected', async () => {
    const clean = await extractOnSim(plan, { timeScale: 200 });
    const faulty = await extractOnSim(plan, {
      timeScale: 200,
      faults: { http5xx: 0.1, reset: 0.02, truncated: 0.01, stall: 0.01 },
      seed: 1,
    });
    expect(
      faulty.sim.faults.http5xx + faulty.sim.faults.reset + faulty.sim.faults.truncated + faulty.sim.faults.stall,
    ).toBeGreaterThan(0);
    expect(faulty.result.stats.retries).toBeGreaterThan(0);
    expect(faulty.result.contentSha256).toBe(clean.result.contentSha256);
    expect(faulty.result.duplicates).toBe(0);
    expect(landedRows(faulty.outDir)).toEqual(expected);
  });
});
