// Crash-safe landing: every file is written to a temp name, fsynced, renamed into place and its
// folder fsynced, so a kill -9 at any instant leaves either the old file or the new one, never half.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `bytes` to `path` atomically (temp + fsync + rename + fsync of the folder). Async, so the
 * fsyncs run on libuv's thread pool instead of stalling the event loop (and every request timer).
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = `${path}.${process.pid}.${(tempCounter++).toString(36)}.tmp`;
  const file = await open(temp, 'w', 0o644);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  await fsyncDir(dir);
}

let tempCounter = 0;

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes temp files a killed run left behind (they were never renamed, so they hold no landed data). */
export function removeStaleTemps(root: string): number {
  let removed = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.tmp')) {
        rmSync(p, { force: true });
        removed++;
      }
    }
  };
  if (isDirectory(root)) walk(root);
  return removed;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
