// Settings of the simulated EIA server: the contract's option types, their defaults and checks,
// and the `--rate` / `--faults` flag syntaxes shared by `bench serve` and `bench extract`.
import { UsageError } from '../../core/index.ts';
import type { RowSource } from './rows.ts';

/** Probabilities per request (after the key check and rate limit) of each injected fault. */
export interface FaultRates {
  /** 502 (HTML gateway page) or 503 (JSON body). */
  http5xx?: number;
  /** Headers and part of the body, then a TCP reset. */
  reset?: number;
  /** A body cut midway: a cleanly ended chunked body, or a declared length then close. */
  truncated?: number;
  /** Accepted, then no answer until 120 s ÷ timeScale have passed; then the socket is closed. */
  stall?: number;
}
export type FaultKind = keyof FaultRates;
export const FAULT_KINDS: readonly FaultKind[] = ['http5xx', 'reset', 'truncated', 'stall'];

export interface EiaSimOptions {
  host?: string;
  port?: number;
  seed?: number;
  /** Sustained budget (token bucket refilled at budget/3600 per second); 0 = unlimited. */
  rateLimitPerHour?: number;
  /** Bucket capacity and the most requests admitted in any 1-s window. */
  burstPerSecond?: number;
  latencyMedianMs?: number;
  /** k: every rate × k, every duration (latency, stall, Retry-After, burst window) ÷ k. */
  timeScale?: number;
  faults?: FaultRates;
  validKeys?: readonly string[];
  /** Where rows come from: recorded history (loadRecordedRows), or by default the synthetic data of `seed`. */
  rows?: RowSource;
}

export type ResolvedSimOptions = Required<Omit<EiaSimOptions, 'validKeys' | 'faults' | 'rows'>> & {
  readonly faults: Readonly<Record<FaultKind, number>>;
  readonly validKeys: readonly string[] | undefined;
  readonly rows: RowSource | undefined;
};

function check(ok: boolean, option: string, expected: string, got: unknown): void {
  if (!ok)
    throw new UsageError(
      'SIM_BAD_OPTION',
      `Simulated server option ${option} must be ${expected}, got ${String(got)}.`,
    );
}

/** Fills defaults and rejects values the server cannot honour, naming the option. */
export function resolveSimOptions(o: EiaSimOptions = {}): ResolvedSimOptions {
  const r = {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    seed: o.seed ?? 1,
    rateLimitPerHour: o.rateLimitPerHour ?? 5000,
    burstPerSecond: o.burstPerSecond ?? 5,
    latencyMedianMs: o.latencyMedianMs ?? 1000,
    timeScale: o.timeScale ?? 1,
    faults: { http5xx: 0, reset: 0, truncated: 0, stall: 0, ...o.faults },
    validKeys: o.validKeys,
    rows: o.rows,
  };
  check(Number.isInteger(r.port) && r.port >= 0 && r.port <= 65535, 'port', 'an integer 0..65535', r.port);
  check(Number.isSafeInteger(r.seed), 'seed', 'an integer', r.seed);
  check(
    Number.isFinite(r.rateLimitPerHour) && r.rateLimitPerHour >= 0,
    'rateLimitPerHour',
    'a number >= 0',
    r.rateLimitPerHour,
  );
  check(
    Number.isInteger(r.burstPerSecond) && r.burstPerSecond >= 1,
    'burstPerSecond',
    'an integer >= 1',
    r.burstPerSecond,
  );
  check(
    Number.isFinite(r.latencyMedianMs) && r.latencyMedianMs >= 0,
    'latencyMedianMs',
    'a number >= 0',
    r.latencyMedianMs,
  );
  check(Number.isFinite(r.timeScale) && r.timeScale > 0, 'timeScale', 'a number > 0', r.timeScale);
  let sum = 0;
  for (const kind of FAULT_KINDS) {
    const p = r.faults[kind];
    check(Number.isFinite(p) && p >= 0 && p <= 1, `faults.${kind}`, 'a probability 0..1', p);
    sum += p;
  }
  check(sum <= 1 + 1e-9, 'faults', 'probabilities that add up to at most 1', sum);
  return r;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, sec: 1, min: 60, m: 60, h: 3600, hr: 3600, hour: 3600 };

/**
 * Parses a request rate such as `5000/h`, `90/min` or `2/s` into requests per hour.
 * `0` or `unlimited` gives 0 (no limit). Throws a UsageError naming `flag`.
 */
export function parseRate(text: string, flag = '--rate'): number {
  const t = text.trim();
  if (t === '0' || t === 'unlimited') return 0;
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*([a-z]+)$/.exec(t);
  const unit = m ? UNIT_SECONDS[m[2] ?? ''] : undefined;
  const count = Number(m?.[1]);
  if (!m || unit === undefined || !(count > 0)) {
    throw new UsageError(
      'BAD_RATE',
      `${flag} must look like 5000/h, 90/min or 2/s (a positive count per h, min or s), got ${JSON.stringify(text)}.`,
    );
  }
  return (count * 3600) / unit;
}

const FAULT_NAMES: Readonly<Record<string, FaultKind>> = {
  '5xx': 'http5xx',
  http5xx: 'http5xx',
  reset: 'reset',
  truncated: 'truncated',
  stall: 'stall',
};

/** Parses `5xx=0.1,reset=0.02,truncated=0.01,stall=0.01` (any subset; empty = none). */
export function parseFaults(text: string, flag = '--faults'): FaultRates {
  const rates: FaultRates = {};
  let sum = 0;
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [name = '', value = '', ...rest] = part.split('=');
    const kind = FAULT_NAMES[name.trim()];
    const p = Number(value);
    if (kind === undefined || rest.length > 0 || value.trim() === '' || !(p >= 0 && p <= 1)) {
      throw new UsageError(
        'BAD_FAULTS',
        `${flag} takes name=probability pairs (names 5xx, reset, truncated, stall; probabilities 0..1), e.g. ` +
          `5xx=0.1,reset=0.02; got ${JSON.stringify(part)}.`,
      );
    }
    rates[kind] = p;
    sum += p;
  }
  if (sum > 1 + 1e-9)
    throw new UsageError('BAD_FAULTS', `${flag} probabilities add up to ${sum}; they must add up to at most 1.`);
  return rates;
}
