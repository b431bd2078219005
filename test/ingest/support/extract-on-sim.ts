// Test helper: runs the real extract (client, limiter, Arrow store) against a real loopback
// simulated server, and lists the rows the server says it has for the same selection.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatHour,
  runExtract,
  SIM_ROUTES,
  simulatedMissing,
  simulatedRows,
  startEiaSimServer,
  type ExtractResult,
  type FaultRates,
  type PlanInput,
  type RouteName,
} from '../../../src/ingest/index.ts';

export const KEY = 'test-key-0b7e41d2c9';

export interface SimExtract {
  readonly result: ExtractResult;
  readonly outDir: string;
  readonly sim: ReturnType<Awaited<ReturnType<typeof startEiaSimServer>>['stats']>;
}

export async function extractOnSim(
  plan: Omit<PlanInput, 'seriesPerRespondent'>,
  opts: { timeScale: number; faults?: FaultRates; outDir?: string; resume?: boolean; seed?: number },
): Promise<SimExtract> {
  const sim = await startEiaSimServer({
    seed: opts.seed ?? 1,
    timeScale: opts.timeScale,
    faults: opts.faults ?? {},
    validKeys: [KEY],
  });
  const outDir = opts.outDir ?? mkdtempSync(join(tmpdir(), 'wattring-extract-'));
  try {
    const result = await runExtract({
      source: 'eia-sim',
      baseUrl: sim.url,
      apiKey: KEY,
      plan,
      outDir,
      resume: opts.resume ?? false,
      ratePerHour: 5000,
      timeScale: opts.timeScale,
    });
    return { result, outDir, sim: sim.stats() };
  } finally {
    await sim.close();
  }
}

/** The series to ask the server's truth for: the plan's, or every series of the route when open. */
const seriesOf = (plan: Omit<PlanInput, 'seriesPerRespondent'>, route: RouteName): string[] => {
  const given = plan.series[route] ?? [];
  return given.length > 0 ? [...given] : SIM_ROUTES[route].series.map((s) => s.code);
};

/** `route|periodMs|respondent|series|value` for every row the server has in the selection. */
export function serverRows(seed: number, plan: Omit<PlanInput, 'seriesPerRespondent'>): string[] {
  const out: string[] = [];
  for (const route of plan.routes) {
    for (const r of simulatedRows(
      seed,
      route,
      plan.respondents,
      seriesOf(plan, route),
      formatHour(plan.startMs),
      formatHour(plan.endMs),
    )) {
      out.push(`${route}|${Date.parse(`${r.period}:00:00Z`)}|${r.respondent}|${r.series}|${r.value ?? 'null'}`);
    }
  }
  return out.sort();
}

export function serverAbsentCount(seed: number, plan: Omit<PlanInput, 'seriesPerRespondent'>): number {
  let n = 0;
  for (const route of plan.routes)
    n += simulatedMissing(
      seed,
      route,
      plan.respondents,
      seriesOf(plan, route),
      formatHour(plan.startMs),
      formatHour(plan.endMs),
    ).absent.length;
  return n;
}
