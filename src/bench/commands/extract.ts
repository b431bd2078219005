// `bench extract`: pull EIA v2 hourly data or CAISO OASIS reports (or their embedded simulated
// servers) into Arrow files at the rate-limit ceiling, resumably, with honest throughput and coverage.
import type { Argv } from 'yargs';
import { ExitCode } from '../../core/index.ts';
import { ExtractUsageError } from '../../ingest/index.ts';
import { defineCommand } from '../command.ts';
import { resolveCaisoConfig } from '../extract/caiso-config.ts';
import { runCaisoConfigured } from '../extract/caiso-run.ts';
import { resolveConfig } from '../extract/config.ts';
import { extractOptions, flagsFrom } from '../extract/flags.ts';
import { formatSummary } from '../extract/report.ts';
import type { ExtractFlags } from '../extract/flags.ts';
import { readStatus, runConfigured, type RunHooks, type RunOutcome } from '../extract/run.ts';

/** The flags checked (before anything is sent or written) into the run of their source. */
function configuredRun(flags: ExtractFlags): (hooks: RunHooks) => Promise<RunOutcome> {
  if (flags.source === 'caiso') {
    if (flags.redis !== undefined)
      throw new ExtractUsageError(
        '--redis',
        'several workers on one key are for --source eia; CAISO allows one request per 5 s per client anyway',
      );
    const caiso = resolveCaisoConfig(flags);
    return (hooks) => runCaisoConfigured(caiso, hooks);
  }
  const eia = resolveConfig(flags);
  return (hooks) => runConfigured(eia, hooks);
}

export default defineCommand({
  command: 'extract',
  describe:
    'Extract EIA hourly data or CAISO OASIS reports into Arrow files at the rate-limit ceiling (embedded simulated ' +
    'API when no key / base URL)',
  builder: (y: Argv) =>
    extractOptions(y)
      .example(
        '$0 extract --preset q1-2024 --time-scale 20 --out out/q1',
        'Q1 2024, 5 regions, demand + fuel mix, on the simulated API',
      )
      .example(
        '$0 extract --preset backfill-2019-2025 --base-url URL --api-key KEY --redis redis://127.0.0.1:6379 --out ' +
          '/shared/backfill',
        "one of several workers sharing the key's budget (start each the same way)",
      )
      .example(
        '$0 extract --source caiso --reports SLD_FCST:ACTUAL,SLD_FCST:DAM --start 2024-01-01T01 --end 2025-01-01T00 ' +
          '--time-scale 20 --out out/caiso',
        'a year of CAISO load and its day-ahead forecast, on the simulated twin',
      ),
  run: async (args) => {
    const flags = flagsFrom(args);
    if (flags.status) {
      const { status, text } = await readStatus(resolveConfig(flags));
      process.stdout.write(args.json ? `${JSON.stringify(status, null, 2)}\n` : text);
      return ExitCode.ok;
    }
    const start = configuredRun(flags);
    const controller = new AbortController();
    const onSigint = (): void => {
      process.stderr.write(
        '\nbench extract: SIGINT: finishing in-flight windows, then stopping (press again to kill)\n',
      );
      controller.abort();
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    try {
      const out = await start({
        signal: controller.signal,
        progress: true,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      process.stderr.write(formatSummary(out.summary));
      for (const p of out.problems) process.stderr.write(`bench extract: ${p}\n`);
      if (args.json) process.stdout.write(`${JSON.stringify(out.summary, null, 2)}\n`);
      return out.exitCode;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
});
