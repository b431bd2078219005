// Fixed inputs of the gate's paired timings, made once by the candidate and given to both trees:
// one EIA fuel-type-data page as the API sends it (as `bench ingest-suite` builds it), and the
// `train --quick` options (as src/bench/commands/train.ts sets them, with 4 simulated ranks).
import { parseHour, SIM_RESPONDENTS, simulatedRows } from '../../ingest/index.ts';
import type { TrainOptions } from '../../train/index.ts';
import { TRAIN_FLAG_DEFAULTS, TRAIN_QUICK } from '../train/presets.ts';

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

/** What the gate's training probe passes to each tree's `train()`, less the store, run folder and budget. */
export type QuickTrainOptions = Omit<TrainOptions, 'store' | 'out' | 'steps' | 'epochs' | 'checkpointEvery' | 'join'>;

/** `train --quick --ranks 4` as the CLI resolves it; typed, so a new required option cannot be missed here. */
export const QUICK_TRAIN: QuickTrainOptions = (() => {
  const { steps: _steps, checkpointEvery: _every, ...quick } = TRAIN_QUICK;
  return { ...quick, ...TRAIN_FLAG_DEFAULTS, ranks: 4, resume: false };
})();
