// `bench serve caiso`: the simulated CAISO OASIS twin on loopback until SIGINT/SIGTERM, with
// OASIS's limit (one request per 5 s, bursts of one) unless --rate / --burst say otherwise.
import { ExitCode } from '../../core/index.ts';
import { parseFaults, parseRate, startCaisoSimServer, type CaisoSimOptions } from '../../ingest/index.ts';

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

/** Serves until a signal; prints the base URL (or `--json` events) on stdout, the rest on stderr. */
export async function serveCaiso(
  options: CaisoSimOptions,
  json: boolean,
  untilSignal: () => Promise<string>,
): Promise<number> {
  const server = await startCaisoSimServer(options);
  if (json)
    process.stdout.write(
      `${JSON.stringify({ event: 'listening', url: server.url, ratePerHour: options.rateLimitPerHour, burstPerSecond: options.burstPerSecond, timeScale: options.timeScale, latencyMedianMs: options.latencyMedianMs, faults: options.faults, seed: options.seed })}\n`,
    );
  else process.stdout.write(`${server.url}\n`);
  process.stderr.write(
    `bench serve: simulated CAISO OASIS at ${server.url} (rate ${options.rateLimitPerHour || 'unlimited'}/h ×${options.timeScale}); Ctrl-C stops it\n`,
  );
  const signal = await untilSignal();
  const stats = server.stats();
  await server.close();
  process.stderr.write(
    `bench serve: ${signal}: closed after ${stats.requests} requests, ${stats.rowsServed} rows, ${stats.rateLimited} 429s\n`,
  );
  if (json) process.stdout.write(`${JSON.stringify({ event: 'closed', signal, stats })}\n`);
  return ExitCode.ok;
}
