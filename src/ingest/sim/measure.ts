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
  /** Rows per second one core can serve, from the mean. */
  readonly rowsPerSecond: number;
  readonly samples: number;
}

const QUERY = 'frequency=hourly&data[0]=value&start=2019-01-01T00&end=2025-12-31T23&sort[0][column]=period&sort[0][direction]=asc' +
  ['PACW', 'ERCO', 'CISO', 'MISO', 'PJM'].map((r) => `&facets[respondent][]=${r}`).join('');

/** Times page building (rows, JSON envelope, latin1 encoding) over rotating offsets of a backfill query. */
export async function measurePageCost(timeMs = 1000, seed = 1): Promise<PageCost[]> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(250, timeMs / 4) });
  const routes: SimRoute[] = ['region-data', 'fuel-type-data'];
  for (const route of routes) {
    const parsed = parseSimQuery(new URLSearchParams(QUERY), SIM_ROUTES[route], Number.MAX_SAFE_INTEGER);
    if (parsed.kind === 'error') throw new Error(parsed.message);
    const query = parsed.query;
    const plan = new SimPlan(seed, query.selection);
    let page = 0;
    bench.add(route, () => {
      const offset = ((page++ * 7919) % Math.floor(plan.total / 5000 - 1)) * 5000;
      Buffer.from(dataBody(plan, { ...query, offset }).body, 'latin1');
    });
  }
  await bench.run();
  return bench.tasks.flatMap((task, i) => {
    const r = task.result;
    const route = routes[i];
    if (r.state !== 'completed' || route === undefined) return [];
    return [{
      route, pageMsP50: r.latency.p50, pageMsMean: r.latency.mean, rmePercent: r.latency.rme,
      rowsPerSecond: 5000 / (r.latency.mean / 1000), samples: r.latency.samplesCount,
    }];
  });
}
