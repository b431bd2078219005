// The landed raw/1 Arrow files are readable by another Arrow implementation (nodejs-polars, Rust):
// column names, types, metadata and values as the contract says; the key is nowhere in them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import { parseHour, readManifest } from '../../src/ingest/index.ts';
import { extractOnSim, KEY } from './support/extract-on-sim.ts';

describe('raw Arrow files', () => {
  it('read back in nodejs-polars with the raw/1 columns and metadata', async () => {
    const plan = {
      routes: ['region-data' as const],
      respondents: ['CISO', 'PJM'],
      series: { 'region-data': ['D', 'TI'] },
      startMs: parseHour('2024-02-28T00') ?? 0,
      endMs: parseHour('2024-03-02T23') ?? 0,
    };
    const { outDir, result } = await extractOnSim(plan, { timeScale: 200 });
    const manifest = readManifest(outDir);
    const [entry] = Object.values(manifest?.windows ?? {});
    if (!entry) throw new Error('no window landed');
    const path = join(outDir, entry.file);

    // nodejs-polars' readIPC(string) only treats names ending in .ipc as paths, so pass the bytes;
    // scanIPC takes the path itself.
    const df = pl.readIPC(readFileSync(path));
    expect(pl.scanIPC(path).collectSync().height).toBe(entry.rows);
    expect(df.columns).toEqual(['period', 'respondent', 'series', 'value', 'units']);
    expect(df.height).toBe(entry.rows);
    expect(df.height).toBe(result.rowsOnDisk);
    expect(String(df.getColumn('period').dtype)).toMatch(/Datetime/);
    expect(String(df.getColumn('value').dtype)).toMatch(/Float64/);
    const first = df.sort(['period', 'respondent', 'series']).row(0);
    // hour-ending UTC: the first hour of the window is 2024-02-28T00
    expect(new Date(first[0] as Date).toISOString()).toBe('2024-02-28T00:00:00.000Z');
    expect([...new Set(df.getColumn('respondent').toArray().map(String))].sort()).toEqual(['CISO', 'PJM']);
    expect(df.getColumn('period').nUnique()).toBe(96); // 4 days with the leap day = 96 hours
    const keys = df.select('period', 'respondent', 'series').unique().height;
    expect(keys).toBe(df.height); // unique by (period, respondent, series)

    const meta = tableFromIPC(readFileSync(path)).schema.metadata;
    expect(meta.get('wattring.schema')).toBe('raw/1');
    expect(meta.get('wattring.source')).toBe('eia-sim');
    expect(meta.get('wattring.route')).toBe('region-data');
    expect(meta.get('wattring.window_start')).toBe('2024-02-28T00');
    expect(meta.get('wattring.window_end')).toBe('2024-03-02T23');
    for (const f of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
      if (f.endsWith('.arrow') || f.endsWith('.json'))
        expect(readFileSync(join(outDir, f)).includes(KEY), f).toBe(false);
    }
  });
});
