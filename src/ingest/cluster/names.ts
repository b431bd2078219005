// Names of the cluster's Redis keys. Everything is under a keyed hash of the API key
// (HMAC-SHA256 with the key as secret), so the key itself never reaches Redis, in a key or a value.
import { createHmac } from 'node:crypto';

/** Namespace of one API key's cluster: `wattring:<hmac>`; also bottleneck's limiter id. */
export function clusterNamespace(apiKey: string): string {
  // A keyed hash, not a plain sha256: a plain hash of a short key could be brute-forced from Redis.
  const tag = createHmac('sha256', apiKey).update('wattring/cluster/v1').digest('hex').slice(0, 24);
  return `wattring:${tag}`;
}

export interface ClusterKeys {
  /** Bottleneck limiter id (its own keys are `b_<id>_*`). */
  readonly limiterId: string;
  /** Hash: plan fingerprint, window count, budget, run id; expires when no worker renews it. */
  readonly run: string;
  /** Lease of one window: value = worker id, with an expiry. */
  lease(runId: string, windowId: string): string;
  /** Prefix to SCAN leases of a run. */
  leasePattern(runId: string): string;
  /** Set of window ids settled in this run (landed, empty or failed for good). */
  settled(runId: string): string;
  /** Set of window ids landed in this run (a subset of settled). */
  landed(runId: string): string;
  /** Worker heartbeat with its counters (JSON), with an expiry. */
  member(runId: string, workerId: string): string;
  memberPattern(runId: string): string;
  /** Counter of windows fetched to completion by a second worker (discarded at landing). */
  fetchedTwice(runId: string): string;
  /** Lock serialising manifest updates in a shared --out. */
  manifestLock(runId: string): string;
}

export function clusterKeys(apiKey: string): ClusterKeys {
  const ns = clusterNamespace(apiKey);
  return {
    limiterId: ns,
    run: `${ns}:run`,
    lease: (run, id) => `${ns}:${run}:lease:${id}`,
    leasePattern: (run) => `${ns}:${run}:lease:*`,
    settled: (run) => `${ns}:${run}:settled`,
    landed: (run) => `${ns}:${run}:landed`,
    member: (run, w) => `${ns}:${run}:member:${w}`,
    memberPattern: (run) => `${ns}:${run}:member:*`,
    fetchedTwice: (run) => `${ns}:${run}:fetched-twice`,
    manifestLock: (run) => `${ns}:${run}:manifest-lock`,
  };
}
