// The local launcher of a multi-process ring (torchrun's job on one host): starts R rank processes,
// relays their output line by line with the rank in front, and collects how each one ended. Ranks
// end themselves when one of them is lost (mesh.ts); the launcher only stops stragglers after a
// grace period, and passes SIGINT/SIGTERM on.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dropDawnInfo } from '../core/index.ts';
import { RendezvousError } from './rendezvous.ts';

export interface RankExit {
  readonly rank: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Everything the rank wrote on stdout (rank 0's --json). */
  readonly stdout: string;
  /** The rank's last stderr lines (its error, when it failed). */
  readonly lastLines: readonly string[];
}

export interface LaunchOptions {
  readonly world: number;
  /** Node arguments of rank r's process. */
  readonly argv: (rank: number) => readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Each stderr line of each rank. */
  readonly onLine: (rank: number, line: string) => void;
  /** After the first rank fails, the others get this long to end by themselves (default 15 s). */
  readonly graceMs?: number;
}

/** Starts the ranks and resolves when every one has exited. */
export function launchRanks(o: LaunchOptions): Promise<RankExit[]> {
  const children: ChildProcess[] = [];
  let straggler: NodeJS.Timeout | undefined;
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const forward = (signal: NodeJS.Signals): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  };
  for (const s of signals) process.on(s, forward);
  const onFailure = (): void => {
    straggler ??= setTimeout(() => forward('SIGTERM'), o.graceMs ?? 15_000);
  };
  const runs = Array.from({ length: o.world }, (_, rank) => {
    const child = spawn(process.execPath, [...o.argv(rank)], { env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return watchRank(rank, child, o.onLine, onFailure);
  });
  return Promise.all(runs).finally(() => {
    if (straggler) clearTimeout(straggler);
    for (const s of signals) process.off(s, forward);
  });
}

function watchRank(
  rank: number,
  child: ChildProcess,
  onLine: (rank: number, line: string) => void,
  onFailure: () => void,
): Promise<RankExit> {
  let stdout = '';
  let partial = '';
  const last: string[] = [];
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      // The runtime's informational warnings are no rank's last words.
      if (dropDawnInfo(`${line}\n`) !== '') last.push(line);
      if (last.length > 30) last.shift();
      onLine(rank, line);
    }
  });
  return new Promise((resolve) => {
    child.on('error', (error) => {
      onLine(rank, `could not start: ${error.message}`);
      onFailure();
      resolve({ rank, code: 1, signal: null, stdout, lastLines: [error.message] });
    });
    child.on('close', (code, signal) => {
      if (partial) onLine(rank, partial);
      if (code !== 0) onFailure();
      resolve({ rank, code, signal, stdout, lastLines: last });
    });
  });
}

/** A private redis-server on a free loopback port, for a local launch given no --rendezvous. */
export async function startLocalRedis(): Promise<{ readonly url: URL; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const fail = (why: string): void =>
      reject(
        new RendezvousError(
          'RING_NO_REDIS',
          'bench train --transport process: no --rendezvous was given and a local redis-server ' +
            `could not start (${why}); ` +
            'install it (scripts/setup-redis.sh) or pass --rendezvous redis://HOST:PORT',
        ),
      );
    const timer = setTimeout(() => fail('not ready within 10 s'), 10_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e.message);
    });
    child.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(`exited with ${code}`);
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: new URL(`redis://127.0.0.1:${port}`),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
