#!/usr/bin/env node
// Entry of the `bench` CLI: loads the TypeScript sources through tsx so no build step is needed.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
register();
const argv = process.argv.slice(2);
// Commands that open a WebGPU adapter run as a child whose stderr is relayed without Dawn's
// informational warnings, which native code prints to fd 2 (see src/bench/quiet-adapters.ts).
const { relayWithoutDawnInfo, shouldRelay } = await import('../src/bench/quiet-adapters.ts');
if (shouldRelay(argv)) process.exit(await relayWithoutDawnInfo(fileURLToPath(import.meta.url), argv));
const { main } = await import('../src/bench/cli.ts');
const code = await main(argv);
// Exit explicitly: the process-wide Dawn instances keep Node alive (see src/kernels/runtime/device.ts).
// stdout/stderr are synchronous for files and pipes on POSIX, so nothing written is lost.
process.exit(code);
