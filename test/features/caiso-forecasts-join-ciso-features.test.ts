// Across stages: `bench extract` lands EIA files (simulated EIA server) and CAISO files (the CAISO
// twin) in two folders; `bench features --in eia --in caiso` gives CISO CAISO's day-ahead load
// forecast where EIA's DF is missing, and CAISO's day-ahead solar and wind as features.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import {
  buildFeatureStore,
  buildGrids,
  computeFeatures,
  DEFAULT_GAPS,
  featureSpecs,
  readRawFolder,
  type StoreMetadata,
} from '../../src/features/index.ts';
import { readManifest, readRawColumns, simulatedMissing } from '../../src/ingest/index.ts';
import { tempDir } from './support/world.ts';
import { HOUR_MS } from '../../src/core/index.ts';

const tmp = tempDir('caiso-features');
afterAll(() => tmp.cleanup());
const START = '2023-01-01T01';
const END = '2023-04-01T00';
const SPLITS = '2023-01-01..2023-02-15,2023-02-16..2023-03-05,2023-03-06..2023-03-30';
const rawRoot = join(tmp.dir, 'raw');
const eia = join(rawRoot, 'eia');
const caiso = join(rawRoot, 'caiso');

function bench(...args: string[]): string {
  const run = spawnSync(process.execPath, ['bin/bench.mjs', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench ${args[0]} failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** `periodMs|respondent|series` → value of every CAISO row landed under dir. */
function caisoRows(dir: string): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const entry of Object.values(readManifest(dir)?.windows ?? {})) {
    const cols = readRawColumns(tableFromIPC(readFileSync(join(dir, entry.file))));
    for (let i = 0; i < cols.length; i++)
      out.set(`${cols.period(i)}|${cols.respondent(i)}|${cols.series(i)}`, cols.value(i));
  }
  return out;
}

beforeAll(() => {
  bench(
    'extract',
    '--respondents',
    'CISO,PACW',
    '--start',
    START,
    '--end',
    END,
    '--time-scale',
    '200',
    '--out',
    eia,
    '--json',
  );
  bench(
    'extract',
    '--source',
    'caiso',
    '--reports',
    'SLD_FCST:DAM,SLD_REN_FCST:DAM',
    '--start',
    START,
    '--end',
    END,
    '--time-scale',
    '100',
    '--out',
    caiso,
    '--json',
  );
}, 240_000);

describe('CAISO beside EIA', () => {
  it('fills df from CAISO DAM exactly at the CISO hours EIA DF is missing, and says so per hour', () => {
    const raw = readRawFolder([eia, caiso]);
    const grid = buildGrids(raw).find((g) => g.code === 'CISO');
    if (grid === undefined) throw new Error('no CISO grid');
    const specs = featureSpecs(['SUN'], { solar: true, wind: true });
    const f = computeFeatures(grid, specs, DEFAULT_GAPS);
    const col = (name: string): Float64Array =>
      f.columns[specs.findIndex((s) => s.name === name)] ?? new Float64Array();
    const rows = caisoRows(caiso);
    const missing = simulatedMissing(1, 'region-data', ['CISO'], ['DF'], '2023-01-01T00', '2023-04-01T00');
    const missingHours = new Set(
      [...missing.nulls, ...missing.absent].map((k) => Date.parse(`${k.period}:00:00Z`) / HOUR_MS - grid.firstHour),
    );
    expect(missingHours.size).toBeGreaterThan(0);
    let fromCaiso = 0;
    for (let t = 0; t < grid.hours; t++) {
      const periodMs = (grid.firstHour + t) * HOUR_MS;
      const dam = rows.get(`${periodMs}|CA ISO-TAC|SLD_FCST:DAM`);
      if (missingHours.has(t)) {
        // Float64 all the way: the CAISO value is copied, not recomputed (tolerance 0).
        expect(col('df')[t]).toBe(dam);
        expect(f.dfSource[t]).toBe(2);
        fromCaiso++;
      } else {
        expect(col('df')[t]).toBe(grid.forecast?.[t]);
        expect(f.dfSource[t]).toBe(1);
      }
      expect(col('df_available')[t]).toBe(1);
    }
    expect(fromCaiso).toBe([...missingHours].filter((t) => t >= 0 && t < grid.hours).length);
  });

  it('sums the hubs day-ahead solar and wind into CISO features (tolerance 1e-9 MWh)', () => {
    const raw = readRawFolder([eia, caiso]);
    const grid = buildGrids(raw).find((g) => g.code === 'CISO');
    if (grid === undefined) throw new Error('no CISO grid');
    const rows = caisoRows(caiso);
    for (const [kind, series] of [
      ['solar', grid.caiso?.solarDam],
      ['wind', grid.caiso?.windDam],
    ] as const) {
      if (series == null) throw new Error(`no ${kind} series`);
      for (let t = 0; t < grid.hours; t += 7) {
        const periodMs = (grid.firstHour + t) * HOUR_MS;
        const want = ['NP15', 'SP15', 'ZP26'].reduce(
          (a, hub) => a + (rows.get(`${periodMs}|${hub}|SLD_REN_FCST:DAM:${kind.toUpperCase()}`) ?? Number.NaN),
          0,
        );
        expect(Math.abs((series[t] ?? Number.NaN) - want)).toBeLessThanOrEqual(1e-9);
      }
    }
  });

  it('builds a store with the renewables features (0 and flag 0 outside CISO) and per-hour df sources', () => {
    const out = join(tmp.dir, 'store');
    const json = JSON.parse(
      bench('features', '--in', eia, '--in', caiso, '--out', out, '--split', SPLITS, '--seq-len', '336', '--json'),
    ) as { featureNames: string[]; respondents: string[] };
    expect(json.respondents).toEqual(['CISO', 'PACW']);
    // The CAISO columns come after every EIA column; only the screening flag follows them.
    expect(json.featureNames.slice(-5)).toEqual([
      'solar_forecast_dam',
      'solar_forecast_dam_available',
      'wind_forecast_dam',
      'wind_forecast_dam_available',
      'demand_anomaly',
    ]);
    const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')) as StoreMetadata;
    const ciso = meta.respondents.find((r) => r.code === 'CISO');
    const pacw = meta.respondents.find((r) => r.code === 'PACW');
    expect(ciso?.dayAheadSource?.caisoHours).toBeGreaterThan(0);
    expect((ciso?.dayAheadSource?.eiaHours ?? 0) + (ciso?.dayAheadSource?.caisoHours ?? 0)).toBe(ciso?.rows);
    expect(pacw?.dayAheadSource?.caisoHours).toBe(0);
    expect(ciso?.dayAheadSource?.runs.filter((r) => r.source === 'caiso').length).toBeGreaterThan(0);
    expect(meta.inputs.files.filter((f) => f.source === 'caiso-sim').every((f) => f.folder === caiso)).toBe(true);
    const pacwTable = tableFromIPC(readFileSync(join(out, 'respondents', 'PACW.arrow')));
    const cisoTable = tableFromIPC(readFileSync(join(out, 'respondents', 'CISO.arrow')));
    for (const name of [
      'solar_forecast_dam',
      'solar_forecast_dam_available',
      'wind_forecast_dam',
      'wind_forecast_dam_available',
    ]) {
      expect([...(pacwTable.getChild(name)?.toArray() ?? [])].every((v) => v === 0)).toBe(true);
    }
    expect([...(cisoTable.getChild('solar_forecast_dam_available')?.toArray() ?? [])].every((v) => v === 1)).toBe(true);
    // zscore fitted on the train rows only: over all rows the column is roughly centred (|mean| ≤ 0.5)
    // and the fitted MWh std is > 1 (a real statistic, not the identity default).
    const solar = Float64Array.from(cisoTable.getChild('solar_forecast_dam')?.toArray() ?? []);
    expect(Math.abs(solar.reduce((a, b) => a + b, 0) / solar.length)).toBeLessThanOrEqual(0.5);
    expect(meta.respondents.find((r) => r.code === 'CISO')?.normalisation.solar_forecast_dam?.std).toBeGreaterThan(1);
  });

  it('gives the same features from one folder holding both as from two --in folders', () => {
    const two = buildFeatureStore({
      input: [eia, caiso],
      output: join(tmp.dir, 'two'),
      splits: SPLITS,
      window: { seqLen: 336 },
    }).store;
    const one = buildFeatureStore({
      input: rawRoot,
      output: join(tmp.dir, 'one'),
      splits: SPLITS,
      window: { seqLen: 336 },
    }).store;
    expect(one.featureNames).toEqual(two.featureNames);
    for (const [i, r] of one.respondents.entries()) {
      expect(
        Buffer.from(r.features.buffer, r.features.byteOffset, r.features.byteLength).equals(
          Buffer.from(
            two.respondents[i]?.features.buffer ?? new ArrayBuffer(0),
            two.respondents[i]?.features.byteOffset,
            two.respondents[i]?.features.byteLength,
          ),
        ),
      ).toBe(true);
    }
  });

  it('refuses CAISO files without EIA CISO demand, naming the fix', () => {
    expect(() => buildFeatureStore({ input: [caiso], output: join(tmp.dir, 'x'), splits: SPLITS })).toThrow(
      /FEATURES_CAISO_WITHOUT_CISO|no EIA demand for CISO/,
    );
  });
});
