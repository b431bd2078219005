// Base error of every stage: a stable `code` for programs and an exit status for the CLI.

/** Exit statuses of the `bench` CLI; each means one thing so scripts can branch on it. */
export const ExitCode = {
  ok: 0,
  /** The work ran but part of it failed (e.g. windows that did not land). */
  failed: 1,
  /** Bad input: a flag, file or parameter that cannot be used as given. */
  usage: 2,
  /** The environment cannot run the work (no WebGPU adapter, unwritable folder, …). */
  environment: 3,
  /** A remote service refused us for good (invalid API key, unknown route). */
  remote: 4,
  /** Interrupted by SIGINT after in-flight work was finished. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Every error the project throws on purpose extends this, so the CLI can print it plainly. */
export class WattringError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: { exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.failed;
  }
}

/** Bad input from a user: names the flag, field or file, what was expected and how to fix it. */
export class UsageError extends WattringError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: ExitCode.usage });
  }
}
