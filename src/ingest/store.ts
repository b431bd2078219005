// Crash-safe landing: every file is written to a temp name, fsynced, renamed into place and its
// folder fsynced, so a kill -9 at any instant leaves either the old file or the new one, never half.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes `bytes` to `path` atomically (temp + fsync + rename + fsync of the folder). */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = openSync(temp, 'w', 0o644);
  try {
    const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  fsyncDir(dir);
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
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
