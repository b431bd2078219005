// Writes a feature store directory atomically: everything goes to a hidden temp folder beside
// the target (fsynced), then one rename puts it in place; a failure leaves no partial store.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  Field,
  Float32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Uint8,
  tableToIPC,
  type Data,
} from 'apache-arrow';
import { FeatureStoreError, StoreWriteError } from './errors.ts';
import type { FeatureSpec } from './feature-spec.ts';
import { STORE_SCHEMA, type RespondentData, type StoreMetadata } from './store.ts';
import { HOUR_MS } from '../core/index.ts';

export const METADATA_FILE = 'metadata.json';

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

/** What is written per respondent: its data and its normalised feature columns (spec order). */
export interface RespondentOutput {
  readonly data: RespondentData;
  readonly columns: readonly Float32Array[];
}

/**
 * Writes one store: begin() makes a hidden temp folder beside `out`, add() writes a respondent
 * file (fsynced), commit() writes metadata.json last and renames the folder into place (replacing
 * an older store whole); abort() removes the temp folder. Until commit, `out` is untouched.
 */
export class StoreWriter {
  private constructor(
    private readonly out: string,
    private readonly tmp: string,
  ) {}

  static begin(out: string): StoreWriter {
    checkOutputFolder(out);
    const target = resolve(out);
    const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    const writer = new StoreWriter(out, tmp);
    writer.guard(() => mkdirSync(join(tmp, 'respondents'), { recursive: true }));
    return writer;
  }

  /** Writes a respondent's Arrow file; returns its path inside the store and its sha256. */
  add(specs: readonly FeatureSpec[], output: RespondentOutput): { file: string; sha256: string } {
    return this.guard(() => {
      const file = `respondents/${safeName(output.data.code)}.arrow`;
      const bytes = tableToIPC(respondentTable(specs, output), 'file');
      writeDurably(join(this.tmp, file), bytes);
      return { file, sha256: createHash('sha256').update(bytes).digest('hex') };
    });
  }

  commit(metadata: StoreMetadata): void {
    this.guard(() => {
      checkOutputFolder(this.out);
      writeDurably(join(this.tmp, METADATA_FILE), Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`));
      swapInto(this.tmp, resolve(this.out));
    });
  }

  abort(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }

  /** Runs a step; on failure removes the temp folder and reports which --out failed. */
  private guard<T>(step: () => T): T {
    try {
      return step();
    } catch (cause) {
      this.abort();
      if (cause instanceof FeatureStoreError) throw cause;
      throw new StoreWriteError(
        `--out ${this.out}: could not write the feature store (${String(cause)}); nothing was changed`,
        { cause },
      );
    }
  }
}

function missing(what: string): never {
  throw new Error(`no data for ${what}`);
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

/**
 * Columns: period, demand_mwh (null where not reported or flagged), target, long_gap, anomaly,
 * then one per feature.
 */
function respondentTable(specs: readonly FeatureSpec[], { data: r, columns: normalised }: RespondentOutput): Table {
  const n = r.hours;
  const period = periodColumn(r.firstPeriodMs, n);
  const columns: [Field, Data][] = [
    [
      new Field('period', new TimestampMillisecond('UTC'), false),
      makeData({ type: new TimestampMillisecond('UTC'), length: n, nullCount: 0, data: period }),
    ],
    [unitField('demand_mwh', 'MWh', 'none', true), withNaNAsNull(r.demand)],
    [unitField('target', '1', 'zscore of demand', false), f32(r.target)],
    [
      new Field('long_gap', new Uint8(), false),
      makeData({ type: new Uint8(), length: n, nullCount: 0, data: r.longGap }),
    ],
    [
      new Field('anomaly', new Uint8(), false),
      makeData({ type: new Uint8(), length: n, nullCount: 0, data: r.anomaly }),
    ],
  ];
  specs.forEach((spec, f) => {
    columns.push([
      unitField(spec.name, spec.unit, spec.normalisation, false),
      f32(normalised[f] ?? missing(spec.name)),
    ]);
  });
  const fields = columns.map(([field]) => field);
  const schema = new Schema(
    fields,
    new Map([
      ['wattring.schema', STORE_SCHEMA],
      ['wattring.respondent', r.code],
    ]),
  );
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: columns.map(([, d]) => d) });
  return new Table([new RecordBatch(schema, struct)]);
}

/** Hourly ms timestamps as int64, written as two int32 halves (little-endian) to avoid BigInt per row. */
function periodColumn(firstMs: number, n: number): BigInt64Array {
  const period = new BigInt64Array(n);
  const halves = new Int32Array(period.buffer);
  for (let t = 0; t < n; t++) {
    const ms = firstMs + t * HOUR_MS;
    halves[2 * t] = ms % 4294967296;
    halves[2 * t + 1] = Math.floor(ms / 4294967296);
  }
  return period;
}

function unitField(name: string, unit: string, normalisation: string, nullable: boolean): Field {
  return new Field(
    name,
    new Float32(),
    nullable,
    new Map([
      ['wattring.unit', unit],
      ['wattring.normalisation', normalisation],
    ]),
  );
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
