// Error classes of the CAISO OASIS client: stable CAISO_* codes on the ingest stage's retry classes,
// so the shared retry loop (retry.ts) treats them like EIA's.
import { ExitCode } from '../../core/index.ts';
import { EiaError, EiaThrottledError, EiaTransientError, type TransientKind } from '../errors.ts';

const CODES: Readonly<Record<TransientKind, string>> = {
  http5xx: 'CAISO_SERVER_ERROR',
  reset: 'CAISO_CONNECTION_RESET',
  truncated: 'CAISO_TRUNCATED_REPLY',
  timeout: 'CAISO_TIMEOUT',
  'count-mismatch': 'CAISO_ROW_MISMATCH',
  malformed: 'CAISO_MALFORMED_REPLY',
  busy: 'CAISO_GROUPZIP_PROCESSING',
};

/** 5xx, resets, truncated ZIPs, timeouts, bad CSV, error 1015: retried with backoff. */
export class CaisoTransientError extends EiaTransientError {
  constructor(kind: TransientKind, message: string, options: { cause?: unknown } = {}) {
    super(kind, message, { ...options, code: CODES[kind] });
  }
}

/** HTTP 429 ("Please retry your request after 5 seconds"): pause every request, then retry. */
export class CaisoThrottledError extends EiaThrottledError {
  constructor(where: string, retryAfterMs: number | undefined) {
    super(where, 429, retryAfterMs, { name: 'CAISO OASIS', code: 'CAISO_THROTTLED' });
  }
}

/** Error 1002: a malformed date parameter; our request was wrong, so the run stops. */
export class CaisoParamError extends EiaError {
  readonly parameter: string;
  constructor(where: string, parameter: string, description: string) {
    super(
      'CAISO_BAD_PARAMETER',
      `CAISO OASIS rejected parameter "${parameter}" on ${where} (ERR_CODE 1002: ${description}); it must be ` +
        `YYYYMMDDTHH:MM-0000.`,
      'fatal',
      { exitCode: ExitCode.remote },
    );
    this.parameter = parameter;
  }
}

/** Error 1004: the window is longer than 31 days. The window fetcher splits it and asks again. */
export class CaisoWindowTooLongError extends EiaError {
  constructor(where: string, description: string) {
    super(
      'CAISO_WINDOW_TOO_LONG',
      `CAISO OASIS refused ${where}: window longer than 31 days (ERR_CODE 1004: ${description})`,
      'fatal',
      { exitCode: ExitCode.remote },
    );
  }
}

/** Any other ERR_CODE, or an unexpected HTTP status: not something a retry cures. */
export class CaisoApiError extends EiaError {
  readonly errCode: string;
  constructor(where: string, errCode: string, description: string) {
    super('CAISO_API_ERROR', `CAISO OASIS returned error ${errCode} on ${where}: ${description}`, 'fatal', {
      exitCode: ExitCode.remote,
    });
    this.errCode = errCode;
  }
}
