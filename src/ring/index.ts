// Public entry of the ring stage: exact ring attention over R simulated devices (layouts,
// transports, coordinator, communication log). Its ground truth is the kernels' dense f64 reference
// (attentionForwardRef, attentionBackwardRef and their row forms, src/kernels/ops/attention.ref.ts).
export { createRingAttention } from './ring.ts';
export type { RankMemory, RecordedPass, RingAttention, RingConfig, RingInputs } from './ring.ts';
export type { RingBackwardIO, RingForwardIO } from './pass-io.ts';
export { createGradientCollective } from './collective.ts';
export type { CollectiveRecord, GradientCollective } from './collective.ts';
export {
  gatherRows,
  isRingLayoutKind,
  paddedLength,
  planLayout,
  RING_CONFIG_NAMES,
  RING_LAYOUTS,
  shardRows,
  validateRingShape,
} from './layout.ts';
export type { RingLayout, RingLayoutKind, RingSegment, RingShapeNames } from './layout.ts';
export { imbalance, originAt, pairFullyMasked, planRing, rankWork, unmaskedPairs } from './schedule.ts';
export type { BlockPair, RankWork, StepPlan } from './schedule.ts';
export { allRanks, linkMinimumMs, TRANSPORT_MODES, transferBytes } from './transport.ts';
export type {
  BlockPart,
  LinkShape,
  RemoteLink,
  RingTransport,
  TransferPart,
  TransferRecord,
  TransportMode,
} from './transport.ts';
export { createSharedTransport } from './transport-shared.ts';
export { openIsolatedTransport } from './transport-isolated.ts';
export type { IsolatedTransportOptions } from './transport-isolated.ts';
export { openProcessTransport } from './transport-process.ts';
export type { ProcessJoin, ProcessTransport, ProcessTransportOptions } from './transport-process.ts';
export { RankLostError } from './mesh.ts';
export { clearRendezvous, parseRendezvousUrl, rendezvousKey, RendezvousError, shownUrl } from './rendezvous.ts';
export type { PeerInfo } from './rendezvous.ts';
export { overlapMs, stepRecord, summarizePass } from './commlog.ts';
export type { Interval, PassSummary, RingPass, StepRecord } from './commlog.ts';
export { PAD_POSITION } from './positions.ts';
export { launchRanks, startLocalRedis } from './launch.ts';
export type { LaunchOptions, RankExit } from './launch.ts';
