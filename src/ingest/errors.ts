// Error classes of the ingest stage: a stable `code` each, and how the retry loop must treat it.
import { ExitCode, UsageError, WattringError } from '../core/index.ts';

/**
 * What to do about a failed request: `fatal` stops the run (retrying cannot help), `throttle`
 * pauses every request of the key (honouring Retry-After), `transient` retries with backoff.
 */
export type RetryClass = 'fatal' | 'throttle' | 'transient';

export class EiaError extends WattringError {
  readonly retry: RetryClass;
  constructor(
    code: string,
    message: string,
    retry: RetryClass,
    options: { exitCode?: ExitCode; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.retry = retry;
  }
}

/** 403 API_KEY_INVALID / API_KEY_MISSING: the key is wrong; never retried, never printed. */
export class EiaKeyError extends EiaError {
  constructor(kind: 'invalid' | 'missing', route: string) {
    const message =
      kind === 'missing'
        ? `EIA refused ${route}: no API key was sent. Pass --api-key or set EIA_API_KEY (free at ` +
          `https://www.eia.gov/opendata/register.php).`
        : `EIA refused ${route}: the API key is invalid. Check --api-key / EIA_API_KEY (the key itself is not shown).`;
    super(kind === 'missing' ? 'EIA_API_KEY_MISSING' : 'EIA_API_KEY_INVALID', message, 'fatal', {
      exitCode: ExitCode.remote,
    });
  }
}

/** 400-style parameter errors: our request was wrong; names the parameter the API complained about. */
export class EiaParamError extends EiaError {
  readonly parameter: string | undefined;
  constructor(route: string, apiMessage: string, parameter: string | undefined) {
    const which = parameter ? `parameter "${parameter}"` : 'a request parameter';
    super('EIA_BAD_PARAMETER', `EIA rejected ${which} on ${route}: ${apiMessage}`, 'fatal', {
      exitCode: ExitCode.remote,
    });
    this.parameter = parameter;
  }
}

/** Unknown route: EIA answers HTTP 500 with body `{"error":"Not found.","code":404}`. */
export class EiaNotFoundError extends EiaError {
  constructor(route: string, status: number) {
    super(
      'EIA_ROUTE_NOT_FOUND',
      `EIA has no route ${route} (HTTP ${status}, body says "Not found."). Check the route name.`,
      'fatal',
      {
        exitCode: ExitCode.remote,
      },
    );
  }
}

/** 429 OVER_RATE_LIMIT or an over-limit 403: pause the key for `retryAfterMs`, then retry. */
export class EiaThrottledError extends EiaError {
  readonly retryAfterMs: number | undefined;
  /** `service` lets another API's throttling (CAISO OASIS) share the retry loop with its own code. */
  constructor(
    route: string,
    status: number,
    retryAfterMs: number | undefined,
    service: { name: string; code: string } = { name: 'EIA', code: 'EIA_THROTTLED' },
  ) {
    const wait = retryAfterMs === undefined ? 'no Retry-After' : `retry after ${retryAfterMs} ms`;
    super(service.code, `${service.name} throttled ${route} (HTTP ${status}, ${wait})`, 'throttle');
    this.retryAfterMs = retryAfterMs;
  }
}

/** `busy`: the server asked us to come back later (CAISO error 1015, "GroupZip in processing"). */
export type TransientKind = 'http5xx' | 'reset' | 'truncated' | 'timeout' | 'count-mismatch' | 'malformed' | 'busy';

const TRANSIENT_CODES: Readonly<Record<TransientKind, string>> = {
  http5xx: 'EIA_SERVER_ERROR',
  reset: 'EIA_CONNECTION_RESET',
  truncated: 'EIA_TRUNCATED_BODY',
  timeout: 'EIA_TIMEOUT',
  'count-mismatch': 'EIA_ROW_COUNT_MISMATCH',
  malformed: 'EIA_MALFORMED_RESPONSE',
  busy: 'EIA_BUSY',
};

/** Faults that a retry can cure: 5xx, resets, truncated bodies, timeouts, short pages. */
export class EiaTransientError extends EiaError {
  readonly kind: TransientKind;
  /** `code` overrides the EIA code for another API's transient faults (CAISO OASIS). */
  constructor(kind: TransientKind, message: string, options: { cause?: unknown; code?: string } = {}) {
    super(
      options.code ?? TRANSIENT_CODES[kind],
      message,
      'transient',
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.kind = kind;
  }
}

/** A 200 whose body carries an `error` key that is neither a key nor a parameter problem. */
export class EiaApiError extends EiaError {
  constructor(route: string, apiMessage: string) {
    super('EIA_API_ERROR', `EIA returned an error on ${route}: ${apiMessage}`, 'fatal', { exitCode: ExitCode.remote });
  }
}

/** Bad `bench extract` input; always names the flag. */
export class ExtractUsageError extends UsageError {
  constructor(flag: string, message: string) {
    super('EXTRACT_BAD_FLAG', `${flag}: ${message}`);
  }
}

/** The output folder cannot be used (unwritable, not a folder, foreign manifest). */
export class OutputError extends WattringError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('EXTRACT_OUTPUT', message, { ...options, exitCode: ExitCode.usage });
  }
}
