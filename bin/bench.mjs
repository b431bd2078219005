#!/usr/bin/env node
// Entry of the `bench` CLI: loads the TypeScript sources through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
register();
const { main } = await import('../src/bench/cli.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: the process-wide Dawn instances keep Node alive (see src/kernels/device.ts).
// stdout/stderr are synchronous for files and pipes on POSIX, so nothing written is lost.
process.exit(code);
