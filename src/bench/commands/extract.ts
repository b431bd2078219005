// `bench extract`: pull EIA v2 hourly data (or the embedded simulated API) into Arrow files at the
// rate-limit ceiling, resumably, and report honest throughput and coverage.
import type { Argv } from 'yargs';
import { defineCommand } from '../command.ts';
import { resolveConfig } from '../extract/config.ts';
import { extractOptions, flagsFrom } from '../extract/flags.ts';
import { formatSummary } from '../extract/report.ts';
import { runConfigured } from '../extract/run.ts';

export default defineCommand({
  command: 'extract',
  describe: 'Extract EIA hourly data into Arrow files at the rate-limit ceiling (embedded simulated API when no key)',
  builder: (y: Argv) => extractOptions(y).example('$0 extract --preset q1-2024 --time-scale 20 --out out/q1', 'Q1 2024, 5 regions, demand + fuel mix, on the simulated API'),
  run: async (args) => {
    const config = resolveConfig(flagsFrom(args));
    const controller = new AbortController();
    const onSigint = (): void => {
      process.stderr.write('\nbench extract: SIGINT: finishing in-flight windows, then stopping (press again to kill)\n');
      controller.abort();
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    try {
      const out = await runConfigured(config, { signal: controller.signal, progress: true, log: (l) => process.stderr.write(`${l}\n`) });
      process.stderr.write(formatSummary(out.summary));
      for (const p of out.problems) process.stderr.write(`bench extract: ${p}\n`);
      if (args.json) process.stdout.write(`${JSON.stringify(out.summary, null, 2)}\n`);
      return out.exitCode;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
});
