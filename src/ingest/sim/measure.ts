// Benchmark of the simulated server's own cost: CPU time to build (and encode) one 5,000-row page
// of each route, so we know the server is never what limits a loopback extract benchmark.
import { Bench } from 'tinybench';
import { SIM_ROUTES, type SimRoute } from './catalog.ts';
import { SimPlan } from './dataset.ts';
import { dataBody } from './envelope.ts';
import { parseSimQuery } from './query.ts';

export interface PageCost {
  readonly route: SimRoute;
  /** Median ms per 5,000-row page and its relative margin of error (%). */
  readonly pageMsP50: number;
  readonly pageMsMean: number;
  readonly rmePercent: number;
  /** CPU time (user + system) of this process per page built, warm-up included: immune to other load. */
  readonly cpuMsPerPage: number;
  /** Rows per second one core can serve, from the mean wall time. */
  readonly rowsPerSecond: number;
  readonly samples: number;
}

const QUERY =
  'frequency=hourly&data[0]=value&start=2019-01-01T00&end=2025-12-31T23&sort[0][column]=period&sort[0][direction]=asc' +
  ['PACW', 'ERCO', 'CISO', 'MISO', 'PJM'].map((r) => `&facets[respondent][]=${r}`).join('');

/** Times page building (rows, JSON envelope, latin1 encoding) over rotating offsets of a backfill query. */
export async function measurePageCost(timeMs = 1000, seed = 1): Promise<PageCost[]> {
  const costs: PageCost[] = [];
  for (const route of ['region-data', 'fuel-type-data'] as const) {
    const parsed = parseSimQuery(new URLSearchParams(QUERY), SIM_ROUTES[route], Number.MAX_SAFE_INTEGER);
    if (parsed.kind === 'error') throw new Error(parsed.message);
    const query = parsed.query;
    const plan = new SimPlan(seed, query.selection);
    const pagesInQuery = Math.floor(plan.total / 5000) - 1;
    let pages = 0;
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(250, timeMs / 4) });
    bench.add(route, () => {
      const offset = ((pages++ * 7919) % pagesInQuery) * 5000;
      Buffer.from(dataBody(plan, { ...query, offset }).body, 'latin1');
    });
    const cpu = process.cpuUsage();
    await bench.run();
    const used = process.cpuUsage(cpu);
    const r = bench.tasks[0]?.result;
    if (r?.state !== 'completed') throw new Error(`page-cost benchmark of ${route} did not complete`);
    costs.push({
      route,
      pageMsP50: r.latency.p50,
      pageMsMean: r.latency.mean,
      rmePercent: r.latency.rme,
      cpuMsPerPage: (used.user + used.system) / 1000 / pages,
      rowsPerSecond: 5000 / (r.latency.mean / 1000),
      samples: r.latency.samplesCount,
    });
  }
  return costs;
}
