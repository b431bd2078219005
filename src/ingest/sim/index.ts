// Public entry of the simulated EIA API v2 server (re-exported by src/ingest/index.ts).
export { startEiaSimServer } from './server.ts';
export type { EiaSimServer } from './server.ts';
export type { SimServer } from './loop.ts';
export { FAULT_KINDS, parseFaults, parseRate, resolveSimOptions } from './options.ts';
export type { EiaSimOptions, FaultKind, FaultRates, ResolvedSimOptions } from './options.ts';
export type { SimStats } from './stats.ts';
export { eachSimulatedRow, simulatedMissing, simulatedRows, simulatedTotal } from './truth.ts';
export type { SimKey, SimMissing, SimRow } from './truth.ts';
export { SIM_LAST_HOUR, SIM_RESPONDENTS, SIM_ROUTES, fuelsOf } from './catalog.ts';
export type { SimRespondent, SimRoute, SimRouteSpec } from './catalog.ts';
export { formatSimHour, parseSimHour } from './hours.ts';
export { measurePageCost } from './measure.ts';
export type { PageCost } from './measure.ts';
export { RecordedRows } from './recorded.ts';
export type { RecordedSummary } from './recorded.ts';
export { RECORDED_COLUMNS, RecordedDataError } from './recorded-file.ts';
export { syntheticRows } from './dataset.ts';
export type { RowSource } from './rows.ts';
