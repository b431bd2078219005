// Writes a file so that a crash leaves the old file or the new one, never half of one:
// a temp file beside it, fsynced, renamed over it, then the folder fsynced.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EvaluationError } from './errors.ts';

export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(temp, 'w');
    try {
      for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch (cause) {
    removeQuietly(temp);
    throw new EvaluationError(
      'TRAIN_EVAL_WRITE_FAILED',
      `${path}: could not be written (${String(cause)}); any earlier file there is unchanged — check the folder exists and is writable`,
      { cause },
    );
  }
}

/** Best-effort removal of the temp file; the original error is the one worth reporting. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // ENOTDIR and the like: there is no temp file to remove.
  }
}
