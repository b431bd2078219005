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
  await commitTempFile(await writeTempFile(path, bytes), path);
}

/** First half of writeFileAtomic: the bytes, durable, under a temp name beside `path`; returns it. */
export async function writeTempFile(path: string, bytes: Uint8Array | string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${(tempCounter++).toString(36)}.tmp`;
  const file = await open(temp, 'w', 0o644);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  return temp;
}

/** Second half: renames the temp file into place and fsyncs the folder so the rename is durable. */
export async function commitTempFile(temp: string, path: string): Promise<void> {
  await rename(temp, path);
  await fsyncDir(dirname(path));
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

/**
 * Removes temp files a killed run left behind (they were never renamed, so they hold no landed data).
 * In a shared folder other workers' temps are live: only those older than `olderThanMs` go.
 */
export function removeStaleTemps(root: string, olderThanMs = 0): number {
  let removed = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.tmp') && (olderThanMs === 0 || Date.now() - statSync(p).mtimeMs > olderThanMs)) {
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
