// Checkpoints (llm.c's pattern): weights, AdamW moments, step, data cursor, the run's config and
// the feature store's hash in one file, written atomically (core's writeFileAtomicSync: temp + fsync + rename + fsync
// of the folder); then the
// `latest.json` pointer, written the same way and last, so a crash at any instant leaves the
// previous checkpoint as the latest. Format: "WRCK1\n", u32 header length, JSON header, then
// params, m and v as little-endian f32 [layout.total] each.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomicSync } from '../core/index.ts';
import type { DataCursor } from './data.ts';
import { TrainUsageError } from './errors.ts';

const MAGIC = Buffer.from('WRCK1\n');
export const CHECKPOINT_FORMAT = 'wattring.checkpoint/1';

/** Everything a resumed run must agree with, plus where the run was. */
export interface CheckpointHeader {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly step: number;
  readonly cursor: DataCursor;
  /** The run's identity: model config and training options that change the result. */
  readonly run: Readonly<Record<string, unknown>>;
  readonly storeHash: string;
  readonly total: number;
  /** Loss history so far (for the curves): step, train loss and, where evaluated, validation loss. */
  readonly history: readonly { readonly step: number; readonly loss: number; readonly validation?: number }[];
}

export interface Checkpoint {
  readonly header: CheckpointHeader;
  readonly params: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

export interface LatestPointer {
  readonly step: number;
  readonly file: string;
  readonly sha256: string;
}

function f32Bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoints');
}

/** The checkpoint's bytes and the pointer `saveCheckpoint` would write for them (nothing is written). */
export function encodeCheckpoint(ckpt: Checkpoint): { readonly pointer: LatestPointer; readonly bytes: Buffer } {
  const header = Buffer.from(JSON.stringify(ckpt.header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length, 0);
  const bytes = Buffer.concat([MAGIC, len, header, f32Bytes(ckpt.params), f32Bytes(ckpt.m), f32Bytes(ckpt.v)]);
  const file = `step-${String(ckpt.header.step).padStart(7, '0')}.ckpt`;
  return { pointer: { step: ckpt.header.step, file, sha256: createHash('sha256').update(bytes).digest('hex') }, bytes };
}

/** Saves the checkpoint, then points `latest.json` at it; returns the pointer. */
export function saveCheckpoint(runDir: string, ckpt: Checkpoint): LatestPointer {
  const dir = checkpointDir(runDir);
  mkdirSync(dir, { recursive: true });
  const { bytes, pointer } = encodeCheckpoint(ckpt);
  writeFileAtomicSync(join(dir, pointer.file), bytes);
  writeFileAtomicSync(join(dir, 'latest.json'), Buffer.from(`${JSON.stringify(pointer, null, 2)}\n`));
  return pointer;
}

/** The latest pointer of a run, or undefined when the run has no checkpoint. */
export function readLatest(runDir: string): LatestPointer | undefined {
  const path = join(checkpointDir(runDir), 'latest.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const p: unknown = JSON.parse(text);
  if (
    typeof p !== 'object' ||
    p === null ||
    !('file' in p) ||
    !('sha256' in p) ||
    !('step' in p) ||
    typeof p.file !== 'string' ||
    typeof p.sha256 !== 'string' ||
    typeof p.step !== 'number'
  ) {
    throw new TrainUsageError(
      'TRAIN_CHECKPOINT_CORRUPT',
      `${path}: not a checkpoint pointer (expected step, file, sha256)`,
    );
  }
  return { step: p.step, file: basename(p.file), sha256: p.sha256 };
}

/** Loads the checkpoint `pointer` names, checking its hash and format. */
export function loadCheckpoint(runDir: string, pointer: LatestPointer): Checkpoint {
  const path = join(checkpointDir(runDir), pointer.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new TrainUsageError('TRAIN_CHECKPOINT_MISSING', `${path}: the checkpoint latest.json names cannot be read`, {
      cause,
    });
  }
  if (createHash('sha256').update(bytes).digest('hex') !== pointer.sha256) {
    throw new TrainUsageError(
      'TRAIN_CHECKPOINT_CORRUPT',
      `${path}: sha256 differs from latest.json; the checkpoint was changed or truncated`,
    );
  }
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw new TrainUsageError('TRAIN_CHECKPOINT_CORRUPT', `${path}: not a wattring checkpoint`);
  const hlen = bytes.readUInt32LE(MAGIC.length);
  const hstart = MAGIC.length + 4;
  const parsed: unknown = JSON.parse(bytes.subarray(hstart, hstart + hlen).toString('utf8'));
  if (!isHeader(parsed))
    throw new TrainUsageError('TRAIN_CHECKPOINT_CORRUPT', `${path}: header is not ${CHECKPOINT_FORMAT}`);
  const body = bytes.subarray(hstart + hlen);
  const n = parsed.total;
  if (body.length !== 3 * n * 4)
    throw new TrainUsageError(
      'TRAIN_CHECKPOINT_CORRUPT',
      `${path}: ${body.length} bytes of tensors, expected 3 × ${n} f32`,
    );
  const all = new Float32Array(new Uint8Array(body).buffer, 0, 3 * n);
  return { header: parsed, params: all.slice(0, n), m: all.slice(n, 2 * n), v: all.slice(2 * n, 3 * n) };
}

function isHeader(x: unknown): x is CheckpointHeader {
  return (
    typeof x === 'object' &&
    x !== null &&
    'format' in x &&
    x.format === CHECKPOINT_FORMAT &&
    'total' in x &&
    typeof x.total === 'number' &&
    'step' in x
  );
}
