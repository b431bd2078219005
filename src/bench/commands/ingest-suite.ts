// `bench ingest-suite`: tinybench cases for the ingest hot path on one core — parse + validate a
// 5,000-row EIA page into columns, encode it as an Arrow IPC file, and the whole path to disk.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import type { RawFileMeta } from '../../core/index.ts';
import {
  encodeRawFile,
  EnvelopeSchema,
  newDicts,
  parseHour,
  parseRows,
  RowColumns,
  SIM_RESPONDENTS,
  simulatedRows,
} from '../../ingest/index.ts';
import { defineCommand } from '../command.ts';

interface SuiteArgs {
  time: number;
}

/** A fuel-type-data page as the API sends it: 5 respondents × 138 h, string values, names. */
function samplePage(): { text: string; rows: number } {
  const respondents = ['CISO', 'ERCO', 'MISO', 'PACW', 'PJM'];
  const names = new Map(SIM_RESPONDENTS.map((r) => [r.code, r.name]));
  const data = simulatedRows(
    1,
    'fuel-type-data',
    respondents,
    ['COL', 'NG', 'NUC', 'OIL', 'OTH', 'SUN', 'WAT', 'WND'],
    '2024-01-01T00',
    '2024-01-06T17',
  ).map((r) => ({
    period: r.period,
    respondent: r.respondent,
    'respondent-name': names.get(r.respondent) ?? r.respondent,
    fueltype: r.series,
    'type-name': r.series,
    value: r.value === null ? null : String(r.value),
    'value-units': r.units,
  }));
  const envelope = {
    response: {
      total: String(data.length),
      dateFormat: 'YYYY-MM-DD"T"HH24',
      frequency: 'hourly',
      data,
      description: 'Hourly net generation by balancing authority and energy source.',
    },
    request: { command: '/v2/electricity/rto/fuel-type-data/data/', params: { api_key: 'REDACTED' } },
    apiVersion: '2.1.8',
  };
  return { text: JSON.stringify(envelope), rows: data.length };
}

function parsePage(text: string): RowColumns {
  const env = EnvelopeSchema.parse(JSON.parse(text));
  const rows = new RowColumns(newDicts(), env.response.data.length);
  parseRows(env.response.data, { seriesField: 'fueltype' }, rows);
  return rows;
}

const META: RawFileMeta = {
  source: 'eia-sim',
  route: 'fuel-type-data',
  windowStartMs: parseHour('2024-01-01T00') ?? 0,
  windowEndMs: parseHour('2024-01-06T17') ?? 0,
  retrievedAt: new Date(0).toISOString(),
  apiVersion: '2.1.8',
};

export default defineCommand({
  command: 'ingest-suite',
  describe: 'Benchmark the ingest hot path (parse + validate + Arrow write) in rows/s on one core',
  builder: (y) => y.option('time', { type: 'number', default: 1000, describe: 'Milliseconds to sample each case' }),
  run: async (args: SuiteArgs & { json: boolean }) => {
    const page = samplePage();
    const parsed = parsePage(page.text);
    const dir = mkdtempSync(join(tmpdir(), 'wattring-ingest-suite-'));
    const bench = new Bench({ time: args.time, warmup: true });
    bench
      .add('parse + validate (JSON → columns)', () => void parsePage(page.text))
      .add('Arrow IPC encode', () => void encodeRawFile(parsed, META))
      .add('parse + validate + Arrow write (to file, no fsync)', () =>
        writeFileSync(join(dir, 'page.arrow'), encodeRawFile(parsePage(page.text), META)),
      );
    try {
      await bench.run();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const cases = bench.tasks.map((t) => {
      const r = t.result;
      if (r.state !== 'completed') return { name: t.name, error: r.state };
      const msPerPage = r.latency.mean;
      return {
        name: t.name,
        rowsPerPage: page.rows,
        msPerPage,
        rowsPerSecond: (page.rows / msPerPage) * 1000,
        rmePercent: r.latency.rme,
        samples: r.latency.samplesCount,
      };
    });
    for (const c of cases) {
      const line =
        'rowsPerSecond' in c && c.rowsPerSecond !== undefined && c.rmePercent !== undefined && c.msPerPage !== undefined
          ? `${c.rowsPerSecond.toFixed(0).padStart(10)} rows/s  ±${c.rmePercent.toFixed(1)}%  ` +
            `(${c.msPerPage.toFixed(2)} ms per ${c.rowsPerPage}-row page)`
          : c.error;
      process.stderr.write(`${c.name.padEnd(52)} ${line}\n`);
    }
    if (args.json)
      process.stdout.write(
        `${JSON.stringify(
          {
            suite: 'ingest',
            unit: 'rows/s',
            node: process.version,
            cpu: (await import('node:os')).cpus()[0]?.model ?? 'unknown',
            pageBytes: page.text.length,
            cases,
          },
          null,
          2,
        )}\n`,
      );
    return 0;
  },
});
