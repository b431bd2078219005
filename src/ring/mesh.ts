// The ranks of a multi-process ring connected over ZeroMQ: each rank binds one PULL socket and
// connects one PUSH socket to every peer (ZeroMQ keeps each pair's messages in order, which is all
// the ring needs: both ends post their halves in the same program order). Messages are multipart:
// a small JSON header frame, then the block bytes as one frame (sent without a copy). A peer whose
// connection drops without saying goodbye fails every pending and later operation, naming it.
import { Pull, Push } from 'zeromq';
import { ExitCode, WattringError } from '../core/index.ts';
import type { PeerInfo } from './rendezvous.ts';

/** A rank of the run died, dropped its connection or stopped early: the run cannot go on. */
export class RankLostError extends WattringError {
  constructor(
    readonly lostRank: number,
    message: string,
  ) {
    super('RING_RANK_LOST', message, { exitCode: ExitCode.failed });
  }
}

/**
 * ZMTP heartbeats: a silent connection (link cut without a reset, host gone) is dropped after this.
 * A killed process is noticed at once (its kernel closes the socket); the timeout only covers silent
 * links, and is long because a loaded CPU-only host (load 25 on 2 cores) starved ZeroMQ's I/O thread
 * past a 3 s timeout and dropped two healthy ranks.
 */
const HEARTBEAT_MS = 2000;
const HEARTBEAT_TIMEOUT_MS = 20_000;
/** After a peer's connection drops, its goodbye (already sent) may still be in our socket for this long. */
const GOODBYE_GRACE_MS = 500;

type Header =
  | { readonly kind: 'block'; readonly from: number; readonly to: number; readonly bytes: number }
  | { readonly kind: 'hello'; readonly from: number }
  | { readonly kind: 'bye'; readonly from: number; readonly reason?: string };

function parseHeader(frame: Buffer | undefined): Header | undefined {
  if (!frame) return undefined;
  const x: unknown = JSON.parse(frame.toString('utf8'));
  if (typeof x !== 'object' || x === null || !('kind' in x) || !('from' in x) || typeof x.from !== 'number')
    return undefined;
  if (x.kind === 'hello') return { kind: 'hello', from: x.from };
  if (x.kind === 'bye')
    return {
      kind: 'bye',
      from: x.from,
      ...('reason' in x && typeof x.reason === 'string' ? { reason: x.reason } : {}),
    };
  if (x.kind === 'block' && 'to' in x && 'bytes' in x && typeof x.to === 'number' && typeof x.bytes === 'number')
    return { kind: 'block', from: x.from, to: x.to, bytes: x.bytes };
  return undefined;
}

interface Waiter {
  resolve(data: Buffer): void;
  reject(error: Error): void;
}

/** FIFO of blocks from one sender to one local rank, and the receives waiting on it. */
class Inbox {
  readonly ready: Buffer[] = [];
  readonly waiting: Waiter[] = [];
}

export interface Mesh {
  readonly rank: number;
  readonly world: number;
  /** Where this rank listens (published at the rendezvous). */
  readonly endpoint: string;
  /** Connects to every peer and waits until each has said hello (timeout: an error naming the silent ranks). */
  connect(peers: readonly PeerInfo[], timeoutMs: number): Promise<void>;
  /** Sends `data` from local rank `from` to `to`; resolves once ZeroMQ holds it (no copy). */
  send(from: number, to: number, data: Uint8Array): Promise<void>;
  /** The next block from `from` to local rank `to`. */
  receive(from: number, to: number): Promise<Buffer>;
  /** Rejects once the run is lost (observed by whoever races it). */
  readonly failed: Promise<never>;
  /** Marks the run lost (e.g. this rank's own step threw) so pending operations end. */
  fail(error: Error): void;
  /** Says goodbye to every peer (with the reason if this rank stopped on an error), waits for theirs, closes. */
  close(reason?: string): Promise<void>;
}

export interface MeshOptions {
  readonly rank: number;
  readonly world: number;
  /** Address to bind (default 127.0.0.1: nothing leaves loopback unless asked). */
  readonly host?: string;
}

/** Binds this rank's socket on an ephemeral port of `host`. */
export async function openMesh(o: MeshOptions): Promise<Mesh> {
  const pull = new Pull({ heartbeatInterval: HEARTBEAT_MS, heartbeatTimeout: HEARTBEAT_TIMEOUT_MS, linger: 0 });
  await pull.bind(`tcp://${o.host ?? '127.0.0.1'}:*`);
  const endpoint = pull.lastEndpoint;
  if (!endpoint) throw new Error('ZeroMQ did not report the bound endpoint');
  return new ZmqMesh(o.rank, o.world, endpoint, pull);
}

class ZmqMesh implements Mesh {
  private readonly pushes = new Map<number, Push>();
  private readonly peers = new Map<number, PeerInfo>();
  private readonly inboxes = new Map<string, Inbox>();
  private readonly hellos = new Set<number>();
  private readonly byes = new Map<number, string | undefined>();
  private lost: Error | undefined;
  private rejectFailed: (e: Error) => void = () => {};
  private onHello: () => void = () => {};
  private onBye: () => void = () => {};
  private closing = false;
  readonly failed: Promise<never>;
  private readonly loop: Promise<void>;

  constructor(
    readonly rank: number,
    readonly world: number,
    readonly endpoint: string,
    private readonly pull: Pull,
  ) {
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => {});
    this.loop = this.receiveLoop();
  }

  private describe(rank: number): string {
    const p = this.peers.get(rank);
    return p ? `rank ${rank} (pid ${p.pid} on ${p.host}, ${p.endpoint})` : `rank ${rank}`;
  }

  fail(error: Error): void {
    if (this.lost) return;
    this.lost = error;
    this.rejectFailed(error);
    for (const inbox of this.inboxes.values()) for (const w of inbox.waiting.splice(0)) w.reject(error);
  }

  private inbox(from: number, to: number): Inbox {
    const key = `${from}>${to}`;
    let box = this.inboxes.get(key);
    if (!box) {
      box = new Inbox();
      this.inboxes.set(key, box);
    }
    return box;
  }

  private async receiveLoop(): Promise<void> {
    try {
      for await (const frames of this.pull) this.dispatch(frames);
    } catch (error) {
      if (!this.closing) this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private dispatch(frames: Buffer[]): void {
    const header = parseHeader(frames[0]);
    if (!header) {
      this.fail(new Error(`rank ${this.rank}: a message without a valid header arrived`));
      return;
    }
    if (header.kind === 'hello') {
      this.hellos.add(header.from);
      this.onHello();
      return;
    }
    if (header.kind === 'bye') {
      this.byes.set(header.from, header.reason);
      this.onBye();
      // A clean goodbye comes after the peer's last block (one ordered pipe): only a receive that
      // still waits on it is stranded. A goodbye with a reason means the peer failed.
      if (this.closing) return;
      if (header.reason !== undefined) this.peerStopped(header.from, header.reason);
      else for (const [key, box] of this.inboxes) if (key.startsWith(`${header.from}>`)) this.strand(header.from, box);
      return;
    }
    const data = frames[1] ?? Buffer.alloc(0);
    if (data.byteLength !== header.bytes) {
      this.fail(new Error(`block from rank ${header.from}: ${data.byteLength} bytes, header says ${header.bytes}`));
      return;
    }
    const box = this.inbox(header.from, header.to);
    const waiter = box.waiting.shift();
    if (waiter) waiter.resolve(data);
    else box.ready.push(data);
  }

  /** Rejects the receives waiting on `from`, which ended cleanly: its blocks will not come. */
  private strand(from: number, box: Inbox): void {
    for (const w of box.waiting.splice(0))
      w.reject(
        new RankLostError(
          from,
          `${this.describe(from)} finished its run while rank ${this.rank} waits for a block from it`,
        ),
      );
  }

  /** A peer said goodbye with an error while this rank still runs: the run cannot finish. */
  private peerStopped(rank: number, reason: string | undefined): void {
    this.fail(
      new RankLostError(
        rank,
        `${this.describe(rank)} stopped before the run ended${reason ? `: ${reason}` : ''}; ` +
          `rank ${this.rank} stops too`,
      ),
    );
  }

  private watch(rank: number, push: Push): void {
    push.events.on('disconnect', () => {
      if (this.closing || this.byes.has(rank)) return;
      setTimeout(() => {
        if (this.closing || this.byes.has(rank)) return;
        this.fail(
          new RankLostError(
            rank,
            `${this.describe(rank)} dropped its connection (the process died or the link broke); ` +
              `rank ${this.rank} stops (a training run resumes from its last checkpoint with --resume ` +
              'and the same world size)',
          ),
        );
      }, GOODBYE_GRACE_MS);
    });
  }

  async connect(peers: readonly PeerInfo[], timeoutMs: number): Promise<void> {
    for (const p of peers) {
      this.peers.set(p.rank, p);
      if (p.rank === this.rank) continue;
      const push = new Push({ heartbeatInterval: HEARTBEAT_MS, heartbeatTimeout: HEARTBEAT_TIMEOUT_MS, linger: 2000 });
      this.watch(p.rank, push);
      push.connect(p.endpoint);
      this.pushes.set(p.rank, push);
    }
    await Promise.all(
      [...this.pushes.values()].map((push) => push.send(JSON.stringify({ kind: 'hello', from: this.rank }))),
    );
    const everyone = (): boolean => [...this.pushes.keys()].every((r) => this.hellos.has(r));
    await this.until(
      everyone,
      (f) => (this.onHello = f),
      timeoutMs,
      () => {
        const silent = [...this.pushes.keys()].filter((r) => !this.hellos.has(r)).map((r) => this.describe(r));
        return new RankLostError(
          Math.min(...[...this.pushes.keys()].filter((r) => !this.hellos.has(r))),
          `rank ${this.rank}: no hello within ${timeoutMs / 1e3} s from ${silent.join(', ')}; ` +
            'is it running, and is this run id fresh (a crashed run leaves its entries for an hour)?',
        );
      },
    );
  }

  /** Resolves when `done()` holds (re-checked on each `arm` callback), or rejects on timeout or failure. */
  private until(
    done: () => boolean,
    arm: (f: () => void) => void,
    timeoutMs: number,
    timeoutError: () => Error,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(timeoutError()), timeoutMs);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        resolve();
      };
      arm(check);
      this.failed.catch((e: unknown) => {
        clearTimeout(timer);
        reject(e);
      });
      check();
    });
  }

  async send(from: number, to: number, data: Uint8Array): Promise<void> {
    if (this.lost) throw this.lost;
    const push = this.pushes.get(to);
    if (!push) throw new Error(`rank ${this.rank} has no connection to rank ${to}`);
    const header = JSON.stringify({ kind: 'block', from, to, bytes: data.byteLength });
    await Promise.race([push.send([header, data]), this.failed]);
  }

  receive(from: number, to: number): Promise<Buffer> {
    if (this.lost) return Promise.reject(this.lost);
    const box = this.inbox(from, to);
    const ready = box.ready.shift();
    if (ready) return Promise.resolve(ready);
    const pending = new Promise<Buffer>((resolve, reject) => box.waiting.push({ resolve, reject }));
    if (this.byes.has(from)) this.strand(from, box);
    return pending;
  }

  async close(reason?: string): Promise<void> {
    this.closing = true;
    const bye = JSON.stringify({ kind: 'bye', from: this.rank, ...(reason ? { reason } : {}) });
    const live = [...this.pushes.keys()].filter(
      (r) => !(this.lost instanceof RankLostError && this.lost.lostRank === r),
    );
    try {
      await Promise.all(live.map((r) => this.pushes.get(r)?.send(bye)));
      // Wait (briefly) for every live peer's goodbye, so none sees this rank vanish mid-run.
      const all = (): boolean => live.every((r) => this.byes.has(r));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.lost ? 200 : 10_000);
        this.onBye = () => {
          if (all()) {
            clearTimeout(timer);
            resolve();
          }
        };
        this.onBye();
      });
    } finally {
      for (const push of this.pushes.values()) push.close();
      this.pull.close();
      await this.loop;
    }
  }
}
