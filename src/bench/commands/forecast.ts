// `bench forecast`: the run's latest checkpoint forecasts a split of its store (or another store
// built the same way): MAPE, MAE, MASE per respondent against seasonal-naive, naive-24 h and the
// BA's day-ahead forecast; forecasts as Arrow and plots in the run folder.
import type { Argv } from 'yargs';
import { ExitCode } from '../../core/index.ts';
import { SPLIT_NAMES, type SplitName } from '../../features/index.ts';
import { evaluationJson, forecastRun, formatEvaluationTable, TrainUsageError } from '../../train/index.ts';
import { formatFeatureReport } from '../../kernels/index.ts';
import { defineCommand } from '../command.ts';
import { adapterChoice, FEATURES_OPTION } from '../features-flag.ts';

interface ForecastArgs {
  run: string;
  store: string | undefined;
  split: string;
  adapter: string | undefined;
  backend: string | undefined;
  features: string | undefined;
}

export default defineCommand<ForecastArgs>({
  command: 'forecast',
  describe: "Forecast a split with a trained run's latest checkpoint and score it against the baselines",
  builder: (y: Argv) =>
    y
      .option('run', { type: 'string', demandOption: true, describe: 'Run folder written by bench train' })
      .option('store', { type: 'string', describe: "Feature store (default: the run's own)" })
      .option('split', { type: 'string', default: 'test', describe: `Split to forecast: ${SPLIT_NAMES.join(' | ')}` })
      .option('adapter', { type: 'string', describe: 'WebGPU adapter name substring (see bench adapters)' })
      .option('backend', { type: 'string', describe: 'Dawn backend: vulkan, metal, d3d12, …' })
      .option('features', FEATURES_OPTION)
      .example('$0 forecast --run out/run', 'test-split MAPE of the model vs seasonal-naive, naive-24 h and DF')
      .example('$0 forecast --run out/run --split validation --json', 'machine-readable report'),
  run: async (args) => {
    const split = SPLIT_NAMES.find((s): s is SplitName => s === args.split);
    if (!split)
      throw new TrainUsageError(
        'TRAIN_FLAG',
        `--split '${args.split}' is unknown; expected one of ${SPLIT_NAMES.join(', ')}`,
      );
    const adapter = adapterChoice(args).adapter ?? {};
    const r = await forecastRun(
      args.run,
      { ...(args.store ? { store: args.store } : {}), split, adapter },
      (l) => void process.stderr.write(`${l}\n`),
    );
    if (r.features) process.stderr.write(`${formatFeatureReport(r.features)}\n`);
    process.stderr.write(formatEvaluationTable(r.evaluation));
    process.stderr.write(`forecast: step ${r.step}; wrote ${r.files.join(', ')}\n`);
    const report = evaluationJson(r.evaluation);
    if (args.json) {
      const { mape, perRespondent } = report;
      const features = r.features ? { features: r.features } : {};
      const out = { step: r.step, files: r.files, mape, perRespondent, interval: r.interval, report, ...features };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    }
    return ExitCode.ok;
  },
});
