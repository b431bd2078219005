// The store on disk: reopening gives back exactly what was built, nodejs-polars reads every file
// without conversion, windows are views over the store's buffers, and writes are all-or-nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { buildFeatureStore, openFeatureStore, SPLIT_NAMES, type FeatureStore } from '../../src/features/index.ts';
import { expectSameBytes } from './support/bytes.ts';
import { tempDir, SPLITS, WINDOW, writeWorld } from './support/world.ts';
import { HOUR_MS } from '../../src/core/index.ts';

const tmp = tempDir('store');
afterAll(() => tmp.cleanup());

let input: string;
let built: FeatureStore;
const storeDir = join(tmp.dir, 'store');
beforeAll(() => {
  input = writeWorld(tmp.dir, 'raw', { plainStrings: true, nullRate: 0.01 });
  built = buildFeatureStore({ input, output: storeDir, splits: SPLITS, window: WINDOW }).store;
});

describe('round trip', () => {
  it('reopens to the same matrices, targets, gaps and windows', () => {
    const opened = openFeatureStore(storeDir);
    expect(opened.metadata).toEqual(built.metadata);
    expect(opened.respondents.length).toBe(2);
    opened.respondents.forEach((r, i) => {
      const b = built.respondents[i];
      expect(r.code).toBe(b?.code);
      expectSameBytes(r.features, b?.features, `${r.code} features`);
      expectSameBytes(r.target, b?.target, `${r.code} target`);
      expectSameBytes(r.demand, b?.demand, `${r.code} demand`);
      expectSameBytes(r.longGap, b?.longGap, `${r.code} long_gap`);
      for (const s of SPLIT_NAMES) expectSameBytes(r.windows[s], b?.windows[s], `${r.code} ${s} windows`);
    });
    for (const s of SPLIT_NAMES) expect(opened.windowCount(s)).toBeGreaterThan(0);
  });

  it('records every input file with its sha256, and each store file hash', () => {
    const files = built.metadata.inputs.files;
    expect(files.length).toBe(
      readdirSync(input, { recursive: true }).filter((f) => String(f).endsWith('.arrow')).length,
    );
    for (const f of files) {
      expect(f.sha256).toBe(
        createHash('sha256')
          .update(readFileSync(join(input, f.path)))
          .digest('hex'),
      );
    }
    expect(built.metadata.inputs.rows).toBe(files.reduce((n, f) => n + f.rows, 0));
  });

  it('refuses a store file changed after writing', () => {
    const copy = join(tmp.dir, 'tampered');
    buildFeatureStore({ input, output: copy, splits: SPLITS, window: WINDOW });
    const file = join(copy, 'respondents', 'ERCO.arrow');
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    expect(() => openFeatureStore(copy)).toThrow(/ERCO\.arrow: sha256 differs/);
  });
});

describe('nodejs-polars', () => {
  it('reads each respondent file with named, typed columns equal to the store', () => {
    for (const r of built.respondents) {
      const df = pl.readIPC(readFileSync(join(storeDir, 'respondents', `${r.code}.arrow`)));
      expect(df.height).toBe(r.hours);
      expect(df.columns).toEqual(['period', 'demand_mwh', 'target', 'long_gap', 'anomaly', ...built.featureNames]);
      expect(String(df.getColumn('period').dtype)).toMatch(/Datetime/);
      const F = built.featureNames.length;
      const lag = built.featureNames.indexOf('demand_lag_24');
      const column = df.getColumn('demand_lag_24').toArray();
      const fromMatrix = Array.from({ length: r.hours }, (_, t) => r.features[t * F + lag]);
      expect(Float32Array.from(column)).toEqual(Float32Array.from(fromMatrix));
      expect(df.getColumn('demand_mwh').nullCount()).toBe(r.demand.filter(Number.isNaN).length);
    }
  });
});

describe('windows', () => {
  it('are subarray views of the store buffers at the right offsets, complete, with the next 24 h as target', () => {
    const F = built.featureNames.length;
    const { seqLen, horizon } = built.metadata.window;
    let n = 0;
    for (const split of SPLIT_NAMES) {
      for (const w of built.windows(split)) {
        const r = built.respondents.find((x) => x.code === w.respondent);
        if (r === undefined) throw new Error('unknown respondent');
        expect(w.inputs.buffer).toBe(r.features.buffer);
        expect(w.inputs.byteOffset).toBe(r.features.byteOffset + w.start * F * 4);
        expect(w.inputs.length).toBe(seqLen * F);
        expect(w.target.buffer).toBe(r.target.buffer);
        expect(w.targetRaw.buffer).toBe(r.demand.buffer);
        expect(w.target.length).toBe(horizon);
        expect(w.target.byteOffset).toBe(r.target.byteOffset + (w.start + seqLen) * 4);
        expect(w.targetPeriodMs).toBe(r.firstPeriodMs + (w.start + seqLen) * HOUR_MS);
        expect(new Date(w.targetPeriodMs).getUTCHours()).toBe(1); // the target is one UTC day, 01:00 … 24:00
        n++;
      }
    }
    expect(n).toBe(SPLIT_NAMES.reduce((s, x) => s + built.windowCount(x), 0));
  });

  it('of an opened store are views too (the store lays each respondent out once)', () => {
    const opened = openFeatureStore(storeDir, { verify: false });
    const buffers = new Set(opened.respondents.map((r) => r.features.buffer));
    for (const w of opened.windows('train')) expect(buffers.has(w.inputs.buffer)).toBe(true);
  });

  it('lie wholly inside their split, in time order, stride apart', () => {
    const splits = built.metadata.splits;
    for (const r of built.respondents) {
      for (const split of SPLIT_NAMES) {
        const range = splits.find((s) => s.name === split);
        const starts = Array.from(r.windows[split]);
        for (const [i, s] of starts.entries()) {
          const first = r.firstPeriodMs / HOUR_MS + s + WINDOW.seqLen;
          expect(first >= (range?.firstHour ?? 0) && first + WINDOW.horizon - 1 <= (range?.lastHour ?? 0)).toBe(true);
          if (i > 0) expect(s - (starts[i - 1] ?? 0)).toBe(WINDOW.stride);
        }
      }
    }
  });
});

describe('atomic write', () => {
  it('refuses to replace a folder that is not a feature store, and leaves it as it was', () => {
    const other = join(tmp.dir, 'precious');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'keep me');
    expect(() => buildFeatureStore({ input, output: other, splits: SPLITS, window: WINDOW })).toThrow(
      /not a feature store/,
    );
    expect(readdirSync(other)).toEqual(['notes.txt']);
  });

  it('leaves neither a store nor a temp folder when the input fails part-way', () => {
    const bad = writeWorld(tmp.dir, 'bad-raw');
    writeFileSync(join(bad, 'region-data', 'zz-broken.arrow'), 'not arrow');
    const out = join(tmp.dir, 'never');
    expect(() => buildFeatureStore({ input: bad, output: out, splits: SPLITS, window: WINDOW })).toThrow(
      /zz-broken\.arrow/,
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('replaces an existing store whole', () => {
    const out = join(tmp.dir, 'replace');
    buildFeatureStore({ input, output: out, splits: SPLITS, window: WINDOW });
    const again = buildFeatureStore({ input, output: out, splits: SPLITS, window: { ...WINDOW, stride: 48 } }).store;
    expect(openFeatureStore(out).metadata.window.stride).toBe(48);
    expect(again.windowCount('train')).toBeLessThan(built.windowCount('train'));
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
