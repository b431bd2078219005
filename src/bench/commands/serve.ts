// `bench serve eia` / `bench serve caiso`: runs a simulated API (EIA v2, or the CAISO OASIS twin)
// on loopback until SIGINT/SIGTERM (the serving loop of src/bench/serve/loop.ts).
import { ExitCode, UsageError } from '../../core/index.ts';
import {
  measurePageCost,
  parseFaults,
  RecordedRows,
  parseRate,
  startEiaSimServer,
  type EiaSimOptions,
  type EiaSimServer,
} from '../../ingest/index.ts';
import { defineCommand } from '../command.ts';
import { caisoServeOptions, serveCaiso } from '../serve/caiso.ts';
import { serveUntilSignal } from '../serve/loop.ts';

interface ServeArgs {
  source: string;
  host: string;
  port: number;
  rate?: string | undefined;
  burst?: number | undefined;
  'time-scale': number;
  faults: string;
  'latency-ms': number;
  seed: number;
  keys: string | undefined;
  measure: boolean;
  data?: string[] | undefined;
}

function need(ok: boolean, flag: string, expected: string, got: unknown): void {
  if (!ok) throw new UsageError('BAD_FLAG', `${flag} must be ${expected}, got ${JSON.stringify(got)}.`);
}

/** Turns the flags into server options, naming the flag of any bad value. */
export function serveOptions(a: ServeArgs): EiaSimOptions {
  need(
    Number.isInteger(a.port) && a.port >= 0 && a.port <= 65535,
    '--port',
    'an integer 0..65535 (0 = any free port)',
    a.port,
  );
  need(a.burst === undefined || (Number.isInteger(a.burst) && a.burst >= 1), '--burst', 'an integer >= 1', a.burst);
  need(Number.isFinite(a['time-scale']) && a['time-scale'] > 0, '--time-scale', 'a number > 0', a['time-scale']);
  need(Number.isFinite(a['latency-ms']) && a['latency-ms'] >= 0, '--latency-ms', 'a number >= 0', a['latency-ms']);
  need(Number.isSafeInteger(a.seed), '--seed', 'an integer', a.seed);
  const keys = a.keys
    ?.split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  return {
    host: a.host,
    port: a.port,
    seed: a.seed,
    rateLimitPerHour: parseRate(a.rate ?? '5000/h', '--rate'),
    burstPerSecond: a.burst ?? 5,
    latencyMedianMs: a['latency-ms'],
    timeScale: a['time-scale'],
    faults: parseFaults(a.faults, '--faults'),
    ...(keys === undefined || keys.length === 0 ? {} : { validKeys: keys }),
  };
}

/** `--data FILE…`: recorded history instead of the synthetic data (read and checked before listening). */
function recordedRows(a: ServeArgs): RecordedRows | undefined {
  if (a.data === undefined) return undefined;
  const files = a.data.filter((f) => typeof f === 'string' && f !== '');
  if (files.length === 0)
    throw new UsageError('BAD_FLAG', '--data takes one or more CSV files (period,respondent,type,value).');
  if (a.measure) throw new UsageError('BAD_FLAG', '--data and --measure: --measure times the synthetic data only.');
  return RecordedRows.load(files);
}

function describeRows(rows: RecordedRows | undefined): string {
  if (rows === undefined) return 'synthetic data';
  const s = rows.summary;
  return (
    `recorded rows of ${s.files.map((f) => f.path).join(', ')} (${s.rows.toLocaleString('en-US')} rows; ` +
    `respondents ${s.respondents.join(', ')}; series ${s.series.join(', ')}; ${s.first} … ${s.last})`
  );
}

async function serve(server: EiaSimServer, options: EiaSimOptions, json: boolean): Promise<number> {
  const recorded = options.rows instanceof RecordedRows ? options.rows : undefined;
  const settings = {
    ...(recorded === undefined ? {} : { data: recorded.summary }),
    seed: options.seed,
    ratePerHour: options.rateLimitPerHour,
    burstPerSecond: options.burstPerSecond,
    timeScale: options.timeScale,
    latencyMedianMs: options.latencyMedianMs,
    faults: options.faults,
    keysChecked: options.validKeys !== undefined,
  };
  const banner =
    `bench serve: simulated EIA API v2 at ${server.url} ` +
    `(rate ${options.rateLimitPerHour || 'unlimited'}/h ×${options.timeScale}); ` +
    `serving ${describeRows(recorded)}; Ctrl-C stops it`;
  return serveUntilSignal(server, settings, banner, json);
}

/** `--measure`: the server's CPU cost per 5,000-row page, instead of serving. */
async function measure(json: boolean, seed: number): Promise<number> {
  process.stderr.write('bench serve: measuring page cost (tinybench, 2 routes × ~2 s)…\n');
  const costs = await measurePageCost(2000, seed);
  if (json) {
    process.stdout.write(`${JSON.stringify({ event: 'page-cost', rowsPerPage: 5000, costs })}\n`);
    return ExitCode.ok;
  }
  process.stdout.write(
    'route            wall ms/page p50   mean ± rme       CPU ms/page   rows/s (1 core)   samples\n',
  );
  for (const c of costs) {
    process.stdout.write(
      `${c.route.padEnd(16)} ${c.pageMsP50.toFixed(2).padStart(16)}   ` +
        `${`${c.pageMsMean.toFixed(2)} ± ${c.rmePercent.toFixed(1)}%`.padEnd(15)}` +
        `${c.cpuMsPerPage.toFixed(2).padStart(12)}   ` +
        `${Math.round(c.rowsPerSecond).toLocaleString('en-US').padStart(15)}   ${c.samples}\n`,
    );
  }
  return ExitCode.ok;
}

export default defineCommand({
  command: 'serve <source>',
  describe:
    'Run a simulated API on loopback (eia: EIA API v2 routes; caiso: the OASIS SingleZip twin; rate limit, latency, ' +
    'faults) until Ctrl-C',
  builder: (y) =>
    y
      .positional('source', {
        type: 'string',
        choices: ['eia', 'caiso'],
        demandOption: true,
        describe: 'Which API to simulate',
      })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('port', { type: 'number', default: 0, describe: 'TCP port; 0 picks a free one (printed)' })
      .option('rate', {
        type: 'string',
        describe:
          'Sustained budget per key: 5000/h, 90/min, 2/s, or 0 = unlimited (default 5000/h; caiso 720/h, one per 5 s)',
      })
      .option('burst', {
        type: 'number',
        describe: 'Most requests per key in any 1-s window, also the bucket size (default 5; caiso 1)',
      })
      .option('time-scale', { type: 'number', default: 1, describe: 'k: rates × k, latency/stall/Retry-After ÷ k' })
      .option('faults', {
        type: 'string',
        default: '',
        describe: 'Fault probabilities per request, e.g. 5xx=0.1,reset=0.02,truncated=0.01,stall=0.01',
      })
      .option('latency-ms', {
        type: 'number',
        default: 1000,
        describe: 'Median response time of a full page (log-normal), ms',
      })
      .option('seed', { type: 'number', default: 1, describe: 'Seed of the synthetic data, latency and faults' })
      .option('keys', {
        type: 'string',
        describe: 'Comma-separated valid API keys (others get 403 API_KEY_INVALID); default: any key',
      })
      .option('data', {
        type: 'string',
        array: true,
        describe:
          'Serve recorded history instead of synthetic data: CSV or .csv.gz files with columns ' +
          'period,respondent,type,value (docs/ingest-sim.md)',
      })
      .option('measure', {
        type: 'boolean',
        default: false,
        describe: 'Do not serve: benchmark the CPU cost of a 5,000-row page per route and exit',
      })
      .strict(),
  run: async (args) => {
    const options = serveOptions(args);
    if (args.source === 'caiso') {
      if (args.data !== undefined) throw new UsageError('BAD_FLAG', '--data applies to the EIA server only.');
      if (args.keys !== undefined || args.measure)
        throw new UsageError(
          'BAD_FLAG',
          `${args.keys !== undefined ? '--keys' : '--measure'} applies to the EIA server only; OASIS has no keys.`,
        );
      return serveCaiso(caisoServeOptions(args), args.json);
    }
    const rows = recordedRows(args);
    if (args.measure) return measure(args.json, args.seed);
    const server = await startEiaSimServer({ ...options, ...(rows === undefined ? {} : { rows }) });
    return serve(server, { ...options, ...(rows === undefined ? {} : { rows }) }, args.json);
  },
});
