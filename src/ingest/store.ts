// Crash-safe landing: every file is written through core's writeFileAtomic (temp name, fsync,
// rename into place, fsync of the folder), so a kill -9 at any instant leaves either the old file or
// the new one, never half. This module sweeps the temp files a killed run left.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_SUFFIX } from '../core/index.ts';

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
      else if (
        entry.name.endsWith(TEMP_SUFFIX) &&
        (olderThanMs === 0 || Date.now() - statSync(p).mtimeMs > olderThanMs)
      ) {
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
