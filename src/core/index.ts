// Public entry of the shared core: error classes and exit codes used by every stage.
export { ExitCode, UsageError, WattringError } from './errors.ts';
