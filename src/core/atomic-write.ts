// Crash-safe file writes: the bytes go to a temp file beside the target, are fsynced, renamed over
// the target, and then the folder is fsynced so the rename itself survives a power cut. A kill or a
// failed write at any instant leaves the old file or the new one, never half of one.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Temp files end in this suffix, so a sweep (ingest's removeStaleTemps) can find those a killed run left. */
export const TEMP_SUFFIX = '.tmp';

let tempCounter = 0;

/** A temp name beside `path`, unique across processes (pid + random) and within one (counter). */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${(tempCounter++).toString(36)}${randomBytes(3).toString('hex')}${TEMP_SUFFIX}`;
}

function toBytes(bytes: Uint8Array | string): Uint8Array {
  return typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
}

/**
 * Writes `bytes` to `path` atomically (temp + fsync + rename + fsync of the folder), creating the
 * folder if needed. On failure the temp file is removed, any earlier file at `path` is untouched,
 * and the error of the failed step is thrown as it came.
 */
export function writeFileAtomicSync(path: string, bytes: Uint8Array | string): void {
  const data = toBytes(bytes);
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'w', 0o644);
    try {
      for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDirSync(dirname(path));
}

/**
 * Async writeFileAtomic: the fsyncs run on libuv's thread pool instead of stalling the event loop
 * (and every request timer of an extract run). Same guarantees as writeFileAtomicSync.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await commitTempFile(await writeTempFile(path, bytes), path);
}

/** First half of writeFileAtomic: the bytes, durable, under a temp name beside `path`; returns it. */
export async function writeTempFile(path: string, bytes: Uint8Array | string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    const file = await open(temp, 'w', 0o644);
    try {
      await file.writeFile(toBytes(bytes));
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return temp;
}

/** Second half: renames the temp file into place and fsyncs the folder so the rename is durable. */
export async function commitTempFile(temp: string, path: string): Promise<void> {
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const handle = await open(dirname(path), 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
