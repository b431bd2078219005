// The shape every `bench` subcommand module exports, so the CLI can discover and run it.
import type { Argv } from 'yargs';

export interface BenchCommand<A extends object = object> {
  /** yargs command string, e.g. `extract` or `serve <source>`. */
  readonly command: string;
  readonly describe: string;
  /** Declares the flags; every command gets `--json` from the CLI itself. */
  readonly builder: (yargs: Argv) => Argv<A>;
  /** Runs the command and returns the process exit status (see ExitCode). */
  readonly run: (args: A & { json: boolean }) => Promise<number>;
}

/** Helper so each command module is type-checked against its own flags. */
export function defineCommand<A extends object>(command: BenchCommand<A>): BenchCommand<A> {
  return command;
}
