// The cluster view: windows landed, leased and left in the key's current run, the shared request
// rate and each live worker, read from Redis (`bench extract --redis URL --status`).
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { MemberInfo } from './session.ts';
import type { ClusterKeys } from './names.ts';

export interface ClusterStatus {
  /** undefined: no run of this key is live (none started, or its last worker stopped long enough ago). */
  readonly run:
    | {
        readonly id: string;
        readonly plan: string;
        readonly windows: number;
        readonly budget: string;
        readonly startedAt: string;
      }
    | undefined;
  readonly windowsLanded: number;
  /** Landed, empty or failed for good in this run. */
  readonly windowsSettled: number;
  readonly windowsLeased: number;
  readonly windowsLeft: number;
  /** Windows fetched to completion by a second worker and discarded at landing. */
  readonly fetchedTwice: number;
  /** Sum of the live workers' request rates, per hour of server time. */
  readonly requestsPerHour: number;
  readonly workers: readonly MemberInfo[];
}

export async function readClusterStatus(redis: Redis, keys: ClusterKeys): Promise<ClusterStatus> {
  const run = await redis.hgetall(keys.run);
  const id = run['runId'];
  if (id === undefined)
    return {
      run: undefined,
      windowsLanded: 0,
      windowsSettled: 0,
      windowsLeased: 0,
      windowsLeft: 0,
      fetchedTwice: 0,
      requestsPerHour: 0,
      workers: [],
    };
  const windows = Number(run['windows'] ?? 0);
  const [landed, settled, twice] = await Promise.all([
    redis.scard(keys.landed(id)),
    redis.scard(keys.settled(id)),
    redis.get(keys.fetchedTwice(id)),
  ]);
  const leased = (await scanAll(redis, keys.leasePattern(id))).length;
  const memberKeys = await scanAll(redis, keys.memberPattern(id));
  const workers = (memberKeys.length > 0 ? await redis.mget(...memberKeys) : []).flatMap((text) => memberOf(text));
  return {
    run: { id, plan: run['plan'] ?? '', windows, budget: run['budget'] ?? '', startedAt: run['startedAt'] ?? '' },
    windowsLanded: landed,
    windowsSettled: settled,
    windowsLeased: leased,
    windowsLeft: Math.max(0, windows - settled - leased),
    fetchedTwice: Number(twice ?? 0),
    requestsPerHour: workers.reduce((a, w) => a + w.requestsPerHour, 0),
    workers: workers.sort((a, b) => a.worker.localeCompare(b.worker)),
  };
}

async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out;
}

const MemberSchema = z.object({
  worker: z.string(),
  host: z.string(),
  pid: z.number(),
  updatedAt: z.string(),
  windowsLanded: z.number(),
  rowsLanded: z.number(),
  requests: z.number(),
  requestsPerHour: z.number(),
  leases: z.number(),
});

/** A heartbeat's JSON; one that does not parse (another version's worker) is left out. */
function memberOf(text: string | null): MemberInfo[] {
  if (text === null) return [];
  try {
    const parsed = MemberSchema.safeParse(JSON.parse(text));
    return parsed.success ? [parsed.data] : [];
  } catch {
    return [];
  }
}

export function formatClusterStatus(s: ClusterStatus, budgetPerHour?: number): string {
  if (!s.run) return 'cluster: no live run for this key\n';
  const share = budgetPerHour ? ` (${(s.requestsPerHour / budgetPerHour).toFixed(3)} of ${budgetPerHour}/h)` : '';
  const lines = [
    `cluster run ${s.run.id} plan ${s.run.plan} (budget ${s.run.budget}) since ${s.run.startedAt}`,
    `windows: landed ${s.windowsLanded}, leased ${s.windowsLeased}, left ${s.windowsLeft} of ${s.run.windows} ` +
      `(settled ${s.windowsSettled}); fetched twice and discarded ${s.fetchedTwice}`,
    `shared request rate ${Math.round(s.requestsPerHour)}/h server time${share}; ${s.workers.length} live workers`,
    ...s.workers.map(
      (w) =>
        `  ${w.worker}: landed ${w.windowsLanded} windows (${w.rowsLanded.toLocaleString('en-US')} rows), ` +
        `${w.requests} requests, ${Math.round(w.requestsPerHour)}/h, ${w.leases} leases`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
