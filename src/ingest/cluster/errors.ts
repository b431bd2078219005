// Errors of the Redis cluster mode: a bad or unreachable --redis URL, a worker whose plan differs
// from its cluster's, and Redis lost mid-run (which stops the run like a fatal API error).
import { ExitCode, UsageError, WattringError } from '../../core/index.ts';
import { EiaError } from '../errors.ts';

/** The --redis URL (or WATTRING_REDIS_URL) cannot be used: malformed, or nothing answers there. */
export class RedisUnavailableError extends WattringError {
  constructor(code: 'REDIS_BAD_URL' | 'REDIS_UNREACHABLE', message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: ExitCode.environment });
  }
}

/** Another worker of this key's cluster runs a different plan (or budget): joining would mix runs. */
export class ClusterPlanError extends UsageError {
  constructor(message: string) {
    super('CLUSTER_PLAN_MISMATCH', message);
  }
}

/**
 * Redis stopped answering mid-run. Fatal for the run (no new window is taken); windows already in
 * flight are abandoned or land, and `--resume` later completes the same data.
 */
export class RedisLostError extends EiaError {
  constructor(what: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      'REDIS_LOST',
      `lost the Redis cluster connection while ${what} (${detail}); no new windows are taken. Restart Redis and ` +
        `rerun with --resume: landed windows are kept.`,
      'fatal',
      { exitCode: ExitCode.environment, cause },
    );
  }
}
