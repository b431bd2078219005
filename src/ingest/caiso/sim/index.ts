// Public entry of the simulated CAISO OASIS twin (re-exported by src/ingest/index.ts).
export { startCaisoSimServer } from './server.ts';
export type { CaisoSimOptions, CaisoSimServer } from './server.ts';
export { TOO_MANY_REQUESTS_HTML } from './replies.ts';
export { operatingHour, pacificOffsetMs } from './local-time.ts';
export type { OperatingHour } from './local-time.ts';
export { intervalMinutes, TWIN_FIRST_MS, TWIN_LAST_MS, twinSeries, TwinValues } from './values.ts';
export type { TwinSeries } from './values.ts';
