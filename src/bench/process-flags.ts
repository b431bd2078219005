// The flags by which a `--transport process` command joins or launches a run (bench ring, bench
// train): one definition, so both commands spell and explain them alike (docs/ring.md, "Process
// transport").
import type { Argv } from 'yargs';

/** Adds --rank, --world, --rendezvous, --run-id, --host and --loopback-hosts; `rank` says what --rank does. */
export function withProcessFlags<T>(y: Argv<T>, rank: string) {
  return y
    .option('rank', { type: 'number', describe: `--transport process: ${rank} (else launch --ranks local ranks)` })
    .option('world', { type: 'number', describe: '--transport process: ranks in the run (= --ranks)' })
    .option('rendezvous', {
      type: 'string',
      describe: '--transport process: Redis URL where the ranks meet (default: a private local redis-server)',
    })
    .option('run-id', {
      type: 'string',
      describe: '--transport process: the run every rank joins (default: a fresh id)',
    })
    .option('host', {
      type: 'string',
      describe: '--transport process: address this rank listens on (default 127.0.0.1)',
    })
    .option('loopback-hosts', {
      type: 'boolean',
      default: false,
      describe: '--transport process launch: rank r listens on 127.0.0.(r+1), as if each were its own host',
    });
}
