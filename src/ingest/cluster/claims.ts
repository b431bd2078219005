// Which window this worker fetches next, in a cluster: each is taken by an atomic lease with an
// expiry, renewed while it is fetched and settled when it lands; leases of dead workers expire.
import { LEAVE, RELEASE, RENEW, SETTLE, TAKE } from './scripts.ts';
import type { ClusterSession, MemberCounters } from './session.ts';

export type Settled = 'landed' | 'fetched-twice' | 'other';

export type Claim<W> =
  | { readonly kind: 'take'; readonly window: W }
  /** Every window left is leased by another worker: ask again after `ms`. */
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'done' };

/** How the run asks for windows; without a cluster it is a plain queue. */
export interface WindowClaims<W> {
  next(): Promise<Claim<W>>;
  /**
   * The window is done for this run (no worker takes it again): landed, found landed by another
   * worker after fetching it whole ('fetched-twice'), or ended empty or failed for good ('other').
   */
  settle(id: string, how: Settled): Promise<void>;
  /** Windows this worker saw settled by others. */
  readonly elsewhere: ReadonlySet<string>;
  close(): Promise<void>;
}

export class QueueClaims<W> implements WindowClaims<W> {
  private next_ = 0;
  readonly elsewhere = new Set<string>();
  constructor(private readonly queue: readonly W[]) {}
  next(): Promise<Claim<W>> {
    const w = this.queue[this.next_++];
    return Promise.resolve(w ? { kind: 'take', window: w } : { kind: 'done' });
  }
  settle(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class LeaseClaims<W extends { readonly id: string }> implements WindowClaims<W> {
  readonly elsewhere = new Set<string>();
  private readonly held = new Set<string>();
  private queue: W[];
  private deferred: W[] = [];
  private at = 0;
  private rescanAt = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly session: ClusterSession,
    windows: readonly W[],
    /** True when the shared manifest (as last read) already holds the window. */
    private readonly landedOnDisk: (id: string) => boolean,
    private readonly counters: () => Omit<MemberCounters, 'leases'>,
  ) {
    this.queue = [...windows];
    this.timer = setInterval(() => void this.renew(), Math.max(50, session.leaseMs / 3));
    void this.renew();
  }

  async next(): Promise<Claim<W>> {
    for (;;) {
      if (this.session.isLost) throw this.session.markLost('taking windows', undefined);
      const w = this.queue[this.at++];
      if (w) {
        if (this.landedOnDisk(w.id)) this.elsewhere.add(w.id);
        else {
          const got = await this.take(w.id);
          if (got === 'taken') return { kind: 'take', window: w };
          if (got === 'settled') this.elsewhere.add(w.id);
          else this.deferred.push(w);
        }
        continue;
      }
      if (this.deferred.length === 0) return { kind: 'done' };
      const now = Date.now();
      if (now < this.rescanAt) return { kind: 'wait', ms: this.rescanAt - now };
      // Others hold the rest: look again a quarter-lease later (a dead worker's lease has expired by then or soon).
      this.rescanAt = now + this.session.leaseMs / 4;
      [this.queue, this.deferred, this.at] = [this.deferred, [], 0];
    }
  }

  async settle(id: string, how: Settled): Promise<void> {
    this.held.delete(id);
    const k = this.session.keys;
    const run = this.session.runId;
    // A failure here is not the window's: it has landed; another worker may fetch it again, and the
    // manifest lock discards that copy. It does end this worker's taking of windows.
    await this.session.redis
      .eval(
        SETTLE,
        4,
        k.settled(run),
        k.landed(run),
        k.lease(run, id),
        k.fetchedTwice(run),
        this.session.worker,
        id,
        how,
      )
      .catch((error: unknown) => {
        this.session.markLost('settling a window', error);
      });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.session.isLost) return;
    const run = this.session.runId;
    // Leases not settled (an interrupted or failed run) are handed back at once rather than left to expire.
    await Promise.all(
      [...this.held].map((id) =>
        this.session.redis.eval(RELEASE, 1, this.session.keys.lease(run, id), this.session.worker).catch(() => 0),
      ),
    );
    const k = this.session.keys;
    await this.session.redis
      .eval(
        LEAVE,
        6,
        k.member(run, this.session.worker),
        k.run,
        k.settled(run),
        k.landed(run),
        k.fetchedTwice(run),
        k.manifestLock(run),
        k.memberPattern(run),
      )
      .catch(() => 0);
  }

  private async take(id: string): Promise<'taken' | 'leased' | 'settled'> {
    const k = this.session.keys;
    const run = this.session.runId;
    const got = await this.session.call('taking a window lease', () =>
      this.session.redis.eval(
        TAKE,
        2,
        k.settled(run),
        k.lease(run, id),
        this.session.worker,
        String(this.session.leaseMs),
        id,
      ),
    );
    if (got === 'taken') this.held.add(id);
    return got === 'taken' || got === 'settled' ? got : 'leased';
  }

  private async renew(): Promise<void> {
    const k = this.session.keys;
    const run = this.session.runId;
    const ids = [...this.held];
    const member = JSON.stringify(this.session.memberInfo({ ...this.counters(), leases: ids.length }));
    try {
      const lost: unknown = await this.session.redis.eval(
        RENEW,
        2 + ids.length,
        k.run,
        k.member(run, this.session.worker),
        ...ids.map((id) => k.lease(run, id)),
        this.session.worker,
        String(this.session.leaseMs),
        member,
        String(this.session.runTtlMs),
      );
      // A lease lost (this worker stalled past its expiry) may be taken by another: keep fetching;
      // the manifest lock lands only the first copy.
      if (Array.isArray(lost)) for (const i of lost) if (typeof i === 'number') this.held.delete(ids[i - 1] ?? '');
    } catch (error) {
      this.session.markLost('renewing leases', error);
    }
  }
}
