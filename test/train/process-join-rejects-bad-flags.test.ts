// Joining a multi-process run: bad --rank/--world/--rendezvous/--run-id flags are usage errors that
// name the flag (exit 2), a Redis URL's password never appears in a message, and a rendezvous with
// no Redis behind it is an environment error (exit 3) naming the masked URL.
import { describe, expect, it } from 'vitest';
import { ExitCode, WattringError } from '../../src/core/index.ts';
import { openProcessTransport, parseRendezvousUrl, RendezvousError } from '../../src/ring/index.ts';
import { rankJoin, type ProcessFlags } from '../../src/bench/train/process.ts';
import { freePort } from '../support/redis-server.ts';

const flags: ProcessFlags = {
  rank: 1,
  world: 2,
  rendezvous: 'redis://127.0.0.1:6379',
  runId: 'r1',
  host: undefined,
  loopbackHosts: false,
  link: undefined,
};

function usage(f: () => unknown): WattringError {
  try {
    f();
  } catch (error) {
    if (error instanceof WattringError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('joining a process run', () => {
  it('without --rank this process is the launcher (no join)', () => {
    expect(rankJoin({ ...flags, rank: undefined }, 2)).toBeUndefined();
  });

  it('names the flag that is missing or out of range (exit 2)', () => {
    const cases: [Partial<ProcessFlags>, number, RegExp][] = [
      [{ rank: 2 }, 2, /--rank must be an integer in 0\.\.1, got 2/],
      [{ rank: -1 }, 2, /--rank/],
      [{ world: 3 }, 2, /--world 3 and --ranks 2 differ/],
      [{ rendezvous: undefined }, 2, /--rank needs --rendezvous/],
      [{ runId: undefined }, 2, /--rank needs --run-id/],
    ];
    const saved = process.env['WATTRING_RENDEZVOUS'];
    delete process.env['WATTRING_RENDEZVOUS'];
    try {
      for (const [change, ranks, message] of cases) {
        const e = usage(() => rankJoin({ ...flags, ...change }, ranks));
        expect(e.exitCode).toBe(ExitCode.usage);
        expect(e.message).toMatch(message);
      }
    } finally {
      if (saved !== undefined) process.env['WATTRING_RENDEZVOUS'] = saved;
    }
  });

  it('refuses a URL that is not redis:// and never repeats its password', () => {
    const e = usage(() => parseRendezvousUrl('http://user:hunter2@127.0.0.1:6379'));
    expect(e.code).toBe('RING_RENDEZVOUS');
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.message).not.toContain('hunter2');
  });

  it('a rendezvous where no Redis answers is an environment error naming the masked URL', async () => {
    const port = await freePort();
    const url = new URL(`redis://user:hunter2@127.0.0.1:${port}`);
    const opened = openProcessTransport({ rank: 0, world: 2, rendezvous: url, runId: 'nobody-home' });
    const error = await opened.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RendezvousError);
    if (!(error instanceof RendezvousError)) return;
    expect(error.code).toBe('RING_RENDEZVOUS_UNREACHABLE');
    expect(error.exitCode).toBe(ExitCode.environment);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain('hunter2');
  });
});
