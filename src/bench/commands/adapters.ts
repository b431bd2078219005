// `bench adapters`: lists every WebGPU adapter on this machine with its backend, features and limits.
import { ExitCode } from '../../core/index.ts';
import { formatAdapter, formatFeatureReport, listAdapters, NoAdapterError } from '../../kernels/index.ts';
import { defineCommand } from '../command.ts';
import { FEATURES_OPTION, featuresChoice } from '../features-flag.ts';

export default defineCommand({
  command: 'adapters',
  describe: 'List the WebGPU adapters (backend, features, limits); pick one with --adapter/--backend elsewhere',
  builder: (y) => y.option('features', FEATURES_OPTION),
  run: async (args) => {
    const { features } = featuresChoice(args.features);
    const adapters = await listAdapters(features);
    if (adapters.length === 0) throw new NoAdapterError('no backend returned an adapter');
    for (const { backend, adapter, features: got } of adapters) {
      process.stderr.write(`${backend}: ${formatAdapter(adapter)}\n`);
      if (got) process.stderr.write(`  ${formatFeatureReport(got)}\n`);
    }
    if (args.json) process.stdout.write(`${JSON.stringify({ adapters }, null, 2)}\n`);
    return ExitCode.ok;
  },
});
