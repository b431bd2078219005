#!/usr/bin/env node
// Entry of the `bench` CLI: loads the TypeScript sources through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
register();
const { main } = await import('../src/bench/cli.ts');
process.exitCode = await main(process.argv.slice(2));
