// bench train --transport process: without --rank, launches R local rank processes (each one runs
// `bench train --rank r --world R …`, the same trainer on its own shard and device) and relays
// their output; with --rank it is one of them, joining the run through the Redis rendezvous.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dropDawnInfo, ExitCode, UsageError } from '../../core/index.ts';
import {
  launchRanks,
  parseRendezvousUrl,
  startLocalRedis,
  type LinkShape,
  type ProcessJoin,
  type RankExit,
} from '../../ring/index.ts';
import type { TrainOptions } from '../../train/index.ts';

const BIN = fileURLToPath(new URL('../../../bin/bench.mjs', import.meta.url));
/** Where a launcher puts the rendezvous URL for its ranks (a password never shows in `ps`). */
export const RENDEZVOUS_ENV = 'WATTRING_RENDEZVOUS';
/** Set so a rank runs the command itself instead of bin/bench.mjs's stderr relay (the launcher filters). */
const RELAYED = 'WATTRING_STDERR_RELAYED';

export interface ProcessFlags {
  readonly rank: number | undefined;
  readonly world: number | undefined;
  readonly rendezvous: string | undefined;
  readonly runId: string | undefined;
  readonly host: string | undefined;
  readonly loopbackHosts: boolean;
  readonly link: LinkShape | undefined;
}

function intFlag(flag: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new UsageError('TRAIN_FLAG', `${flag} must be an integer in ${min}..${max}, got ${v}`);
}

/** The join of a rank process (`--rank r --world R --rendezvous URL --run-id ID`), checked. */
export function rankJoin(f: ProcessFlags, ranks: number): ProcessJoin | undefined {
  if (f.rank === undefined) return undefined;
  const world = f.world ?? ranks;
  intFlag('--world', world, 1, 1024);
  intFlag('--rank', f.rank, 0, world - 1);
  if (world !== ranks)
    throw new UsageError(
      'TRAIN_FLAG',
      `--world ${world} and --ranks ${ranks} differ; give one of them (or both equal)`,
    );
  const url = f.rendezvous ?? process.env[RENDEZVOUS_ENV];
  if (!url) throw new UsageError('TRAIN_FLAG', '--rank needs --rendezvous redis://HOST:PORT (where the ranks meet)');
  if (!f.runId) throw new UsageError('TRAIN_FLAG', '--rank needs --run-id ID (the same on every rank of the run)');
  return {
    rank: f.rank,
    world,
    rendezvous: parseRendezvousUrl(url),
    runId: f.runId,
    ...(f.host ? { host: f.host } : {}),
    ...(f.link ? { link: f.link } : {}),
  };
}

/** The flags that make a rank process run the same training as the launcher was asked for. */
function rankArgs(o: TrainOptions, f: ProcessFlags, extra: { json: boolean; adapter: readonly string[] }): string[] {
  const n = (flag: string, v: number | undefined): string[] => (v === undefined ? [] : [flag, String(v)]);
  return [
    'train',
    ...['--store', o.store, '--out', o.out, '--layout', o.layout, '--mode', 'process'],
    ...n('--seq-len', o.seqLen),
    ...n('--ranks', o.ranks),
    ...n('--layers', o.layers),
    ...n('--d-model', o.dModel),
    ...n('--heads', o.heads),
    ...n('--mlp-ratio', o.mlpRatio),
    ...n('--head-hidden', o.headHidden),
    ...n('--steps', o.steps),
    ...n('--epochs', o.epochs),
    ...n('--batch', o.batch),
    ...n('--lr', o.lr),
    ...n('--warmup', o.warmup),
    ...n('--weight-decay', o.weightDecay),
    ...n('--clip', o.clip),
    ...n('--seed', o.seed),
    ...n('--checkpoint-every', o.checkpointEvery),
    ...n('--val-windows', o.valWindows),
    ...n('--bandwidth-gbps', f.link?.bandwidthGBps),
    ...n('--latency-us', f.link?.latencyUs),
    ...(o.resume ? ['--resume'] : []),
    '--no-evaluate',
    ...(extra.json ? ['--json'] : []),
    ...extra.adapter,
  ];
}

export interface LaunchResult {
  readonly exits: readonly RankExit[];
  readonly runId: string;
  /** 0 when every rank ended well. */
  readonly code: number;
}

/** Starts R local ranks of `o` (a private redis-server when no --rendezvous is given) and waits for them. */
export async function launchLocal(
  o: TrainOptions,
  f: ProcessFlags,
  extra: { json: boolean; adapter: readonly string[] },
  say: (line: string) => void,
): Promise<LaunchResult> {
  const runId = f.runId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const given = f.rendezvous ?? process.env[RENDEZVOUS_ENV];
  const redis = given ? { url: parseRendezvousUrl(given), stop: async () => {} } : await startLocalRedis();
  try {
    say(`train: launching ${o.ranks} rank processes, run id ${runId}`);
    const base = rankArgs(o, f, extra);
    const exits = await launchRanks({
      world: o.ranks,
      argv: (r) => [
        ...process.execArgv.filter((a) => !a.startsWith('--inspect')),
        BIN,
        ...base,
        ...['--rank', String(r), '--world', String(o.ranks), '--run-id', runId],
        ...(f.loopbackHosts ? ['--host', `127.0.0.${r + 1}`] : f.host ? ['--host', f.host] : []),
      ],
      env: { ...process.env, [RENDEZVOUS_ENV]: redis.url.toString(), [RELAYED]: '1' },
      onLine: (r, line) => {
        const kept = dropDawnInfo(`${line}\n`);
        if (kept) process.stderr.write(`[rank ${r}] ${kept}`);
      },
    });
    const failed = exits.filter((e) => e.code !== 0);
    for (const e of failed)
      say(
        `train: rank ${e.rank} ended with ${e.signal ? `signal ${e.signal}` : `exit ${e.code}`}` +
          (e.lastLines.length
            ? `: ${(e.lastLines.find((l) => /error/i.test(l)) ?? e.lastLines.at(-1) ?? '').trim()}`
            : ''),
      );
    return { exits, runId, code: failed.length === 0 ? ExitCode.ok : ExitCode.failed };
  } finally {
    await redis.stop();
  }
}
