// `bench serve caiso`: the simulated CAISO OASIS twin on loopback until SIGINT/SIGTERM, with
// OASIS's limit (one request per 5 s, bursts of one) unless --rate / --burst say otherwise.
import { parseFaults, parseRate, startCaisoSimServer, type CaisoSimOptions } from '../../ingest/index.ts';
import { serveUntilSignal } from './loop.ts';

export interface CaisoServeArgs {
  readonly host: string;
  readonly port: number;
  readonly rate?: string | undefined;
  readonly burst?: number | undefined;
  readonly 'time-scale': number;
  readonly faults: string;
  readonly 'latency-ms': number;
  readonly seed: number;
}

export function caisoServeOptions(a: CaisoServeArgs): CaisoSimOptions {
  return {
    host: a.host,
    port: a.port,
    seed: a.seed,
    rateLimitPerHour: parseRate(a.rate ?? '720/h', '--rate'),
    burstPerSecond: a.burst ?? 1,
    latencyMedianMs: a['latency-ms'],
    timeScale: a['time-scale'],
    faults: parseFaults(a.faults, '--faults'),
  };
}

/** Serves the twin until a signal (the shared loop of ./loop.ts). */
export async function serveCaiso(options: CaisoSimOptions, json: boolean): Promise<number> {
  const server = await startCaisoSimServer(options);
  const settings = {
    ratePerHour: options.rateLimitPerHour,
    burstPerSecond: options.burstPerSecond,
    timeScale: options.timeScale,
    latencyMedianMs: options.latencyMedianMs,
    faults: options.faults,
    seed: options.seed,
  };
  const banner =
    `bench serve: simulated CAISO OASIS at ${server.url} ` +
    `(rate ${options.rateLimitPerHour || 'unlimited'}/h ×${options.timeScale}); Ctrl-C stops it`;
  return serveUntilSignal(server, settings, banner, json);
}
