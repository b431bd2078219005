// `bench adapters`: lists every WebGPU adapter on this machine with its backend, features and limits.
import { ExitCode } from '../../core/index.ts';
import { formatAdapter, listAdapters, NoAdapterError } from '../../kernels/index.ts';
import { defineCommand } from '../command.ts';

export default defineCommand({
  command: 'adapters',
  describe: 'List the WebGPU adapters (backend, features, limits); pick one with --adapter/--backend elsewhere',
  builder: (y) => y,
  run: async (args) => {
    const adapters = await listAdapters();
    if (adapters.length === 0) throw new NoAdapterError('no backend returned an adapter');
    for (const { backend, adapter } of adapters) process.stderr.write(`${backend}: ${formatAdapter(adapter)}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify({ adapters }, null, 2)}\n`);
    return ExitCode.ok;
  },
});
