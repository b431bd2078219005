// Public entry of ingest's cluster mode: several workers on one API key through Redis.
export { LeaseClaims, QueueClaims } from './claims.ts';
export type { Claim, Settled, WindowClaims } from './claims.ts';
export { connectRedis, parseRedisUrl, shown as shownRedisUrl } from './connect.ts';
export { ClusterPlanError, RedisLostError, RedisUnavailableError } from './errors.ts';
export { clusterKeys, clusterNamespace } from './names.ts';
export type { ClusterKeys } from './names.ts';
export { ClusterSession } from './session.ts';
export type { ClusterOptions, MemberCounters, MemberInfo } from './session.ts';
export { SharedManifestLander } from './shared-manifest.ts';
export type { LandResult, WindowLander } from './shared-manifest.ts';
export { formatClusterStatus, readClusterStatus } from './status.ts';
export type { ClusterStatus } from './status.ts';
