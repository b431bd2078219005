// The `bench` CLI: discovers every subcommand in ./commands and runs one with yargs.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { ExitCode, UsageError, WattringError } from '../core/index.ts';
import type { BenchCommand } from './command.ts';
import { ADAPTER_COMMANDS, VERBOSE_OPTION } from './quiet-adapters.ts';

const commandsDir = new URL('./commands/', import.meta.url);

/** Loads the subcommand modules; each file in ./commands default-exports one BenchCommand. */
export async function loadCommands(): Promise<BenchCommand[]> {
  const files = readdirSync(fileURLToPath(commandsDir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  const modules = await Promise.all(files.map((f) => import(new URL(f, commandsDir).href)));
  return modules.map((m: { default: BenchCommand }, i) => {
    if (!m.default?.command) throw new Error(`src/bench/commands/${files[i]} has no default BenchCommand export`);
    return m.default;
  });
}

/** Prints an error for people: the message of our own errors, the stack of anything unexpected. */
export function reportError(error: unknown): number {
  if (error instanceof WattringError) {
    process.stderr.write(`bench: ${error.message} [${error.code}]\n`);
    return error.exitCode;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`bench: unexpected error: ${text}\n`);
  return ExitCode.failed;
}

/** yargs' own (untyped) view of the options a command declared. */
interface DeclaredOptions {
  getOptions(): { array: string[] };
}

/**
 * A flag given twice turns into an array in yargs, which a string or number option's reader does
 * not expect (`--store a --store b` reached the store opener as an array). Only options declared
 * with `array: true` may repeat; any other is refused, naming the flag.
 */
function refuseRepeatedFlags(y: Argv): Argv {
  return y.check((args) => {
    const arrays = new Set((y as unknown as DeclaredOptions).getOptions().array);
    for (const [key, value] of Object.entries(args)) {
      if (key === '_' || key === '$0' || !Array.isArray(value) || arrays.has(key)) continue;
      throw new UsageError(
        'CLI_REPEATED_FLAG',
        `--${key} was given ${value.length} times (${value.join(', ')}); give it once`,
      );
    }
    return true;
  });
}

export async function main(argv: string[]): Promise<number> {
  const commands = await loadCommands();
  let exit: number = ExitCode.ok;
  let parser: Argv = yargs(argv)
    .scriptName('bench')
    .usage('$0 <command> [options]\n\nwattring: ingest, features, WGSL kernels and ring attention, measured.')
    .option('json', { type: 'boolean', default: false, describe: 'Machine-readable result on stdout' })
    .demandCommand(1, 'Name a command: see bench --help')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // Throwing stops yargs before any handler runs; main() prints it and exits 2.
      if (err) throw err;
      throw new UsageError('CLI_USAGE', `${msg}. Run with --help for usage.`);
    });
  for (const c of commands) {
    parser = parser.command({
      command: c.command,
      describe: c.describe,
      // `--verbose` is read by bin/bench.mjs before yargs runs; declared here for --help and strict mode.
      builder: (y: Argv) =>
        refuseRepeatedFlags(
          ADAPTER_COMMANDS.has(c.command.split(' ')[0] ?? '')
            ? c.builder(y.option('verbose', VERBOSE_OPTION))
            : c.builder(y),
        ),
      handler: async (args) => {
        exit = await c.run(args as never);
      },
    });
  }
  try {
    await parser.parseAsync();
  } catch (error) {
    return reportError(error);
  }
  return exit;
}
