// Keeps Dawn's informational stderr lines (see src/core/dawn-stderr.ts) off the user's terminal:
// bin/bench.mjs runs a command that opens an adapter as a child whose stderr it relays without
// them; `--verbose` runs it in-process, unfiltered. Real errors and our own stderr pass through.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { dropDawnInfo } from '../core/index.ts';

/** The commands that open a WebGPU adapter; each gets `--verbose` (test/bench checks the list). */
export const ADAPTER_COMMANDS: ReadonlySet<string> = new Set([
  'adapters',
  'kernels',
  'ring',
  'train',
  'forecast',
  'gate',
]);

/** Set in the child so it runs the command instead of relaying again. */
const RELAYED = 'WATTRING_STDERR_RELAYED';

export const VERBOSE_OPTION = {
  type: 'boolean',
  default: false,
  describe: "Also show the WebGPU runtime's (Dawn's) informational warnings on stderr",
} as const;

/** Whether bin/bench.mjs should relay this run (an adapter command, not --verbose, not relayed yet). */
export function shouldRelay(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return env[RELAYED] === undefined && ADAPTER_COMMANDS.has(argv[0] ?? '') && !argv.includes('--verbose');
}

/**
 * Runs `node <script> ...argv` with stdin and stdout inherited (so `--json` output is untouched)
 * and stderr relayed through dropDawnInfo; forwards SIGINT/SIGTERM/SIGHUP; resolves to the exit
 * status (128 + signal number when the child was killed).
 */
export function relayWithoutDawnInfo(script: string, argv: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, [RELAYED]: '1' },
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => process.stderr.write(dropDawnInfo(chunk)));
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const s of signals) process.on(s, forward);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
    child.on('error', (error) => {
      process.stderr.write(`bench: could not start the command: ${error.message}\n`);
      resolve(1);
    });
  });
}
