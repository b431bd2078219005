// `bench extract-sweep`: the seed documents' tables, measured honestly on the simulated server —
// window size (7/14/30/45/60/90 days) or requests in flight — one fresh server and out folder per case.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../../core/index.ts';
import { ExtractUsageError } from '../../ingest/index.ts';
import { defineCommand } from '../command.ts';
import { resolveConfig } from '../extract/config.ts';
import { extractOptions, flagsFrom } from '../extract/flags.ts';
import type { ExtractSummary } from '../extract/report.ts';
import { runConfigured } from '../extract/run.ts';

const DEFAULTS = { window: [7, 14, 30, 45, 60, 90], concurrency: [1, 2, 4, 8, 16, 0] } as const;

interface SweepRow {
  readonly case: string;
  readonly summary: ExtractSummary;
}

function caseValues(sweep: string, values: string | undefined): number[] {
  if (sweep !== 'window' && sweep !== 'concurrency')
    throw new ExtractUsageError('--sweep', `choose window or concurrency, got ${JSON.stringify(sweep)}`);
  if (values === undefined) return [...DEFAULTS[sweep]];
  const list = values.split(',').map((v) => Number(v.trim()));
  if (list.some((v) => !Number.isInteger(v) || v < 0))
    throw new ExtractUsageError(
      '--values',
      `give whole numbers (days, or in-flight caps with 0 = adaptive), got ${JSON.stringify(values)}`,
    );
  return list;
}

const cell = (n: number, d = 0): string => n.toFixed(d);

function table(sweep: string, rows: readonly SweepRow[]): string {
  const head = [
    sweep === 'window' ? 'window' : 'in flight',
    'windows',
    'requests',
    'rows/req',
    'rows/s*',
    'req/h*',
    'rate eff',
    'ceil eff',
    'p50 ms',
    'p95 ms',
    '429s',
    'wall s',
  ];
  const body = rows.map(({ case: c, summary: s }) => [
    c,
    String(s.plan.windows),
    String(s.requests.total),
    cell(s.rowsPerRequest),
    cell(s.rowsPerSecond / s.timeScale),
    cell((s.requestsPerSecond * 3600) / s.timeScale),
    cell(s.rateLimitEfficiency, 3),
    cell(s.ceilingEfficiency, 3),
    cell(s.latencyP50Ms * s.timeScale),
    cell(s.latencyP95Ms * s.timeScale),
    String(s.throttled),
    cell(s.wallSeconds, 1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((v, i) => v.padStart(widths[i] ?? 0)).join('  ');
  return (
    `${[line(head), ...body.map(line)].join('\n')}\n(* in the server's time base: wall figures ÷ time scale, ` +
    `latencies × time scale)\n`
  );
}

export default defineCommand({
  command: 'extract-sweep',
  describe:
    'Sweep window size or requests in flight for bench extract on the simulated server; prints a table, keeps JSON',
  builder: (y: Argv) =>
    extractOptions(y)
      .option('sweep', {
        type: 'string',
        default: 'window',
        describe: 'window (days per window) or concurrency (requests in flight)',
      })
      .option('values', {
        type: 'string',
        describe: 'Cases, e.g. 7,14,30,45,60,90 (window) or 1,2,4,8,16,0 (concurrency; 0 = adaptive)',
      }),
  run: async (args) => {
    const values = caseValues(args.sweep, args.values);
    const flags = flagsFrom({ ...args, preset: args.preset ?? (args.start === undefined ? 'q1-2024' : undefined) });
    const base = resolveConfig(flags);
    if (base.baseUrl !== undefined)
      throw new ExtractUsageError(
        '--base-url',
        'the sweep runs on the embedded simulated server only (each case gets a fresh server and budget)',
      );
    const rows: SweepRow[] = [];
    for (const v of values) {
      const scratch = mkdtempSync(join(tmpdir(), 'wattring-sweep-'));
      try {
        const config =
          args.sweep === 'window'
            ? { ...base, outDir: scratch, resume: false, windowHours: v * 24 }
            : { ...base, outDir: scratch, resume: false, maxInFlight: v === 0 ? undefined : v };
        const label = args.sweep === 'window' ? `${v} d` : v === 0 ? 'adaptive' : String(v);
        process.stderr.write(`extract-sweep: ${args.sweep} = ${label} …\n`);
        const out = await runConfigured(config);
        rows.push({ case: label, summary: out.summary });
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
    const outDir = resolve(args.out);
    mkdirSync(outDir, { recursive: true });
    const jsonPath = join(outDir, `sweep-${args.sweep}.json`);
    const result = {
      sweep: args.sweep,
      timeScale: base.timeScale,
      budgetPerHour: base.ratePerHour,
      cases: rows.map((r) => ({
        case: r.case,
        ...r.summary,
        coverage: { absentHours: r.summary.coverage.absentHours, nullHours: r.summary.coverage.nullHours },
      })),
    };
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(table(args.sweep, rows));
    process.stderr.write(`extract-sweep: JSON kept in ${jsonPath}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return rows.every((r) => r.summary.windows.failed === 0) ? ExitCode.ok : ExitCode.failed;
  },
});
