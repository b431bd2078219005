// Opens a feature store directory: checks metadata and file hashes, and lays each respondent's
// feature columns out once as one time-major matrix so every window is a single subarray.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { FeatureStoreError } from './errors.ts';
import { FeatureStore, STORE_SCHEMA, type RespondentData, type RespondentMeta, type StoreMetadata } from './store.ts';
import { METADATA_FILE } from './store-write.ts';
import { planWindows } from './windows.ts';
import { HOUR_MS } from '../core/index.ts';

export interface OpenOptions {
  /** Recompute each file's sha256 and compare with the metadata (default true). */
  readonly verify?: boolean;
}

export function openFeatureStore(dir: string, options: OpenOptions = {}): FeatureStore {
  const metadata = readMetadata(dir);
  const respondents = metadata.respondents.map((meta) => readRespondent(dir, metadata, meta, options.verify ?? true));
  return new FeatureStore(metadata, respondents);
}

function readMetadata(dir: string): StoreMetadata {
  const path = join(dir, METADATA_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new FeatureStoreError(
      'FEATURES_STORE_MISSING',
      `${path}: not a readable feature store metadata file; build one with bench features`,
      { cause },
    );
  }
  if (!isStoreMetadata(parsed)) {
    throw new FeatureStoreError(
      'FEATURES_STORE_VERSION',
      `${path}: "schema" is not "${STORE_SCHEMA}"; rebuild the store with this version`,
    );
  }
  return parsed;
}

/** The metadata was written by writeStore; the schema tag is the version check. */
function isStoreMetadata(x: unknown): x is StoreMetadata {
  return typeof x === 'object' && x !== null && 'schema' in x && x.schema === STORE_SCHEMA;
}

function readRespondent(dir: string, metadata: StoreMetadata, meta: RespondentMeta, verify: boolean): RespondentData {
  const path = join(dir, meta.file);
  const bytes = readFileSync(path);
  if (verify && createHash('sha256').update(bytes).digest('hex') !== meta.sha256) {
    throw new FeatureStoreError(
      'FEATURES_STORE_CORRUPT',
      `${path}: sha256 differs from ${METADATA_FILE}; the file was changed — rebuild the store`,
    );
  }
  const table = tableFromIPC(bytes);
  const names = metadata.features.map((f) => f.name);
  const F = names.length;
  const n = table.numRows;
  const features = new Float32Array(n * F);
  names.forEach((name, f) => {
    const col = column(table, name, path);
    for (let t = 0; t < n; t++) features[t * F + f] = col[t] ?? 0;
  });
  const longGap = Uint8Array.from(table.getChild('long_gap')?.toArray() ?? []);
  // Stores built before screening have no anomaly column: nothing was flagged there.
  const anomalyColumn = table.getChild('anomaly');
  const anomaly = anomalyColumn === null ? new Uint8Array(n) : Uint8Array.from(anomalyColumn.toArray());
  const demand = column(table, 'demand_mwh', path);
  const windows = planWindows(
    Date.parse(meta.firstPeriod) / HOUR_MS,
    longGap,
    metadata.splits,
    metadata.window,
    demand,
  );
  for (const split of ['train', 'validation', 'test'] as const) {
    if (windows[split].length !== meta.windows[split]) {
      throw new FeatureStoreError(
        'FEATURES_STORE_CORRUPT',
        `${path}: ${split} windows ${windows[split].length} ≠ ${meta.windows[split]} in metadata`,
      );
    }
  }
  return {
    code: meta.code,
    firstPeriodMs: Date.parse(meta.firstPeriod),
    hours: n,
    features,
    target: column(table, 'target', path),
    demand,
    anomaly,
    longGap,
    windows,
  };
}

/** A Float32 column as one contiguous array (copied only if the file split it into batches). */
function column(table: Table, name: string, path: string): Float32Array {
  const vector = table.getChild(name);
  if (vector === null) throw new FeatureStoreError('FEATURES_STORE_CORRUPT', `${path}: column "${name}" is missing`);
  const chunks = vector.data;
  const only = chunks[0];
  if (chunks.length === 1 && only !== undefined && only.values instanceof Float32Array) return only.values;
  const out = new Float32Array(vector.length);
  let at = 0;
  for (const d of chunks) {
    if (!(d.values instanceof Float32Array))
      throw new FeatureStoreError('FEATURES_STORE_CORRUPT', `${path}: column "${name}" is not Float32`);
    out.set(d.values.subarray(0, d.length), at);
    at += d.length;
  }
  return out;
}
