// Reads a scripts/bench-cluster.sh folder: each worker's --json summary, the simulated server's
// counted requests, and prints the cluster figures (efficiency from the server's own count).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, k] = process.argv.slice(2);
const closed = readFileSync(join(dir, 'serve.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l))
  .find((e) => e.event === 'closed');
const s = closed.stats;
const seconds = (s.lastRequestAt - s.firstRequestAt) / 1000;
const perHour = (s.requests / seconds) * (3600 / Number(k));
console.log(
  `server: ${s.requests} requests (${JSON.stringify(s.byStatus)}), ${s.rateLimited} 429s, ` +
    `faults ${JSON.stringify(s.faults)}; ${seconds.toFixed(1)} s → ${perHour.toFixed(0)}/h server time, ` +
    `combined rate-limit efficiency ${(perHour / 5000).toFixed(3)}`,
);
let last;
for (const f of readdirSync(dir)
  .filter((f) => /^[wr]\d+\.json$/.test(f))
  .sort()) {
  const text = readFileSync(join(dir, f), 'utf8');
  if (text.trim() === '') {
    console.log(`${f}: no summary (killed)`);
    continue;
  }
  const j = JSON.parse(text);
  last = j;
  console.log(
    `${f}: landed ${j.windows.landed}, by others ${j.windows.elsewhere}, skipped ${j.windows.skipped}, ` +
      `failed ${j.windows.failed}, not run ${j.windows.notRun}; requests ${j.requests.total}, ` +
      `429s after start-up ${j.throttledAfterStartup}; fetched twice ${j.cluster?.fetchedTwice}; ` +
      `wall ${j.wallSeconds.toFixed(1)} s; rows on disk ${j.rowsOnDisk}, duplicates ${j.duplicates}; ` +
      `sha256 ${j.contentSha256}${j.fatal ? `; fatal ${j.fatal.code}` : ''}`,
  );
}
if (last?.cluster?.status)
  console.log(
    `cluster: landed ${last.cluster.status.windowsLanded} of ${last.cluster.status.run?.windows}, ` +
      `fetched twice (all workers) ${last.cluster.status.fetchedTwice}`,
  );
