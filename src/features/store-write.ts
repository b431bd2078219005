// Writes a feature store directory atomically: everything goes to a hidden temp folder beside
// the target (fsynced), then one rename puts it in place; a failure leaves no partial store.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Field, Float32, makeData, RecordBatch, Schema, Struct, Table, TimestampMillisecond, Uint8, tableToIPC, type Data } from 'apache-arrow';
import { FeatureStoreError, StoreWriteError } from './errors.ts';
import type { FeatureSpec } from './feature-spec.ts';
import { STORE_SCHEMA, type RespondentData, type RespondentMeta, type StoreMetadata } from './store.ts';

export const METADATA_FILE = 'metadata.json';

/** Store metadata before the respondent files exist (their names and hashes come from writing). */
export type PendingMetadata = Omit<StoreMetadata, 'respondents'> & {
  readonly respondents: readonly Omit<RespondentMeta, 'file' | 'sha256'>[];
};

/** Fails early, before any work, when --out holds something that is not a feature store. */
export function checkOutputFolder(out: string): void {
  if (!existsSync(out)) return;
  let entries: string[];
  try {
    entries = readdirSync(out);
  } catch (cause) {
    throw new FeatureStoreError('FEATURES_OUT_NOT_FOLDER', `--out ${out}: exists and is not a folder`, { cause });
  }
  if (entries.length === 0) return;
  if (!entries.includes(METADATA_FILE) || !readFileSync(join(out, METADATA_FILE), 'utf8').includes(STORE_SCHEMA)) {
    throw new FeatureStoreError(
      'FEATURES_OUT_EXISTS',
      `--out ${out}: folder exists and is not a feature store; refusing to replace it — name a new or empty folder`,
    );
  }
}

/** Writes the store and returns its final metadata. An existing store at `out` is replaced whole. */
export function writeStore(out: string, pending: PendingMetadata, data: readonly RespondentData[]): StoreMetadata {
  checkOutputFolder(out);
  const target = resolve(out);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(join(tmp, 'respondents'), { recursive: true });
    const respondents = pending.respondents.map((meta, i) => {
      const file = `respondents/${safeName(meta.code)}.arrow`;
      const bytes = tableToIPC(respondentTable(pending.features, data[i] ?? missing(meta.code)), 'file');
      writeDurably(join(tmp, file), bytes);
      return { ...meta, file, sha256: createHash('sha256').update(bytes).digest('hex') };
    });
    const metadata: StoreMetadata = { ...pending, respondents };
    writeDurably(join(tmp, METADATA_FILE), Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`));
    swapInto(tmp, target);
    return metadata;
  } catch (cause) {
    rmSync(tmp, { recursive: true, force: true });
    if (cause instanceof FeatureStoreError) throw cause;
    throw new StoreWriteError(`--out ${out}: could not write the feature store (${String(cause)}); nothing was changed`, { cause });
  }
}

function missing(code: string): never {
  throw new Error(`no data for respondent ${code}`);
}

function safeName(code: string): string {
  return code.replace(/[^A-Za-z0-9_-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

function writeDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Moves an old store aside, renames the new one in, then deletes the old one. */
function swapInto(tmp: string, target: string): void {
  const old = existsSync(target) ? `${tmp}.old` : undefined;
  if (old !== undefined) renameSync(target, old);
  try {
    renameSync(tmp, target);
  } catch (cause) {
    if (old !== undefined) renameSync(old, target);
    throw cause;
  }
  const dirFd = openSync(dirname(target), 'r');
  fsyncSync(dirFd);
  closeSync(dirFd);
  if (old !== undefined) rmSync(old, { recursive: true, force: true });
}

/** Columns: period, demand_mwh (null where not reported), target, long_gap, then one per feature. */
function respondentTable(specs: readonly FeatureSpec[], r: RespondentData): Table {
  const n = r.hours;
  const F = specs.length;
  const period = new BigInt64Array(n);
  for (let t = 0; t < n; t++) period[t] = BigInt(r.firstPeriodMs + t * 3_600_000);
  const columns: [Field, Data][] = [
    [new Field('period', new TimestampMillisecond('UTC'), false), makeData({ type: new TimestampMillisecond('UTC'), length: n, nullCount: 0, data: period })],
    [unitField('demand_mwh', 'MWh', 'none', true), withNaNAsNull(r.demand)],
    [unitField('target', '1', 'zscore of demand', false), f32(r.target)],
    [new Field('long_gap', new Uint8(), false), makeData({ type: new Uint8(), length: n, nullCount: 0, data: r.longGap })],
  ];
  specs.forEach((spec, f) => {
    const col = new Float32Array(n);
    for (let t = 0; t < n; t++) col[t] = r.features[t * F + f] ?? 0;
    columns.push([unitField(spec.name, spec.unit, spec.normalisation, false), f32(col)]);
  });
  const fields = columns.map(([field]) => field);
  const schema = new Schema(fields, new Map([['wattring.schema', STORE_SCHEMA], ['wattring.respondent', r.code]]));
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: columns.map(([, d]) => d) });
  return new Table([new RecordBatch(schema, struct)]);
}

function unitField(name: string, unit: string, normalisation: string, nullable: boolean): Field {
  return new Field(name, new Float32(), nullable, new Map([['wattring.unit', unit], ['wattring.normalisation', normalisation]]));
}

function f32(values: Float32Array): Data<Float32> {
  return makeData({ type: new Float32(), length: values.length, nullCount: 0, data: values });
}

function withNaNAsNull(values: Float32Array): Data<Float32> {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nulls = 0;
  for (let t = 0; t < values.length; t++) {
    if (Number.isNaN(values[t])) nulls++;
    else bitmap[t >> 3] = (bitmap[t >> 3] ?? 0) | (1 << (t & 7));
  }
  return makeData({ type: new Float32(), length: values.length, nullCount: nulls, data: values, nullBitmap: bitmap });
}
