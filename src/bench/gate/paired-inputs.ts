// Fixed inputs of the gate's paired timings, made once by the candidate and given to both trees:
// one EIA fuel-type-data page as the API sends it (as `bench ingest-suite` builds it), and the
// `train --quick` options (as src/bench/commands/train.ts sets them, with 4 simulated ranks).
import { parseHour, SIM_RESPONDENTS, simulatedRows } from '../../ingest/index.ts';

/** 5 respondents × 138 h × 8 fuels, string values, names: 5,520 rows. */
export function samplePage(): string {
  const respondents = ['CISO', 'ERCO', 'MISO', 'PACW', 'PJM'];
  const names = new Map(SIM_RESPONDENTS.map((r) => [r.code, r.name]));
  const fuels = ['COL', 'NG', 'NUC', 'OIL', 'OTH', 'SUN', 'WAT', 'WND'];
  const data = simulatedRows(1, 'fuel-type-data', respondents, fuels, '2024-01-01T00', '2024-01-06T17').map((r) => ({
    period: r.period,
    respondent: r.respondent,
    'respondent-name': names.get(r.respondent) ?? r.respondent,
    fueltype: r.series,
    'type-name': r.series,
    value: r.value === null ? null : String(r.value),
    'value-units': r.units,
  }));
  return JSON.stringify({
    response: {
      total: String(data.length),
      dateFormat: 'YYYY-MM-DD"T"HH24',
      frequency: 'hourly',
      data,
      description: 'Hourly net generation by balancing authority and energy source.',
    },
    request: { command: '/v2/electricity/rto/fuel-type-data/data/', params: { api_key: 'REDACTED' } },
    apiVersion: '2.1.8',
  });
}

export const PAGE_META: Record<string, unknown> = {
  source: 'eia-sim',
  route: 'fuel-type-data',
  windowStartMs: parseHour('2024-01-01T00') ?? 0,
  windowEndMs: parseHour('2024-01-06T17') ?? 0,
  retrievedAt: new Date(0).toISOString(),
  apiVersion: '2.1.8',
};

export const QUICK_TRAIN: Record<string, unknown> = {
  seqLen: 96,
  ranks: 4,
  layout: 'zigzag',
  mode: 'shared',
  layers: 1,
  dModel: 16,
  heads: 2,
  mlpRatio: 2,
  batch: 2,
  lr: 1e-2,
  warmup: 2,
  weightDecay: 0.01,
  clip: 1,
  seed: 1,
  resume: false,
  valWindows: 2,
  evaluate: false,
};
