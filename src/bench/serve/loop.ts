// The serving loop of `bench serve eia` and `bench serve caiso`: announce the base URL, serve until
// SIGINT/SIGTERM, then close and report what was served. Machine output on stdout, the rest on stderr.
import { ExitCode } from '../../core/index.ts';
import type { SimServer } from '../../ingest/index.ts';

/** Resolves with the name of the first SIGINT or SIGTERM, and stops listening for them. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/**
 * Prints the URL (or, with --json, a `listening` event holding `settings`) on stdout and `banner` on
 * stderr, serves until `stop` resolves with a signal name, then closes the server and reports its
 * counts (stderr, and a `closed` event with the stats under --json).
 */
export async function serveUntilSignal(
  server: SimServer,
  settings: Readonly<Record<string, unknown>>,
  banner: string,
  json: boolean,
  stop: () => Promise<string> = untilSignal,
): Promise<number> {
  if (json) process.stdout.write(`${JSON.stringify({ event: 'listening', url: server.url, ...settings })}\n`);
  else process.stdout.write(`${server.url}\n`);
  process.stderr.write(`${banner}\n`);
  const signal = await stop();
  const stats = server.stats();
  await server.close();
  process.stderr.write(
    `bench serve: ${signal}: closed after ${stats.requests} requests, ${stats.rowsServed} rows, ` +
      `${stats.rateLimited} 429s\n`,
  );
  if (json) process.stdout.write(`${JSON.stringify({ event: 'closed', signal, stats })}\n`);
  return ExitCode.ok;
}
