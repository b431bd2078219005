// Which windows evaluation asks the predictor for: every forecast has ≥ ⌈seqLen/2⌉ hours of
// context, no window reaches before the warm-up rows or past the split's last issue hour, every
// target hour lies in the split; windows cross long gaps, so every issue hour whose own last 24
// hours are known gets a forecast, and the others are counted by reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARM_UP_HOURS, type FeatureStore, type SplitRange } from '../../src/features/index.ts';
import {
  evaluate,
  EvaluationError,
  minContext,
  type Evaluation,
  type Predictor,
} from '../../src/train/evaluate/index.ts';
import { hourOf } from '../features/support/synthetic.ts';
import { tempDir } from '../features/support/world.ts';
import { buildEvalStore, HORIZON, oracle, respondentOf } from './support/eval-store.ts';

const tmp = tempDir('eval-windows');
afterAll(() => tmp.cleanup());

// ERCO reports no demand for 100 hours in mid-April: 48 filled short-gap hours, then 52 long-gap hours.
const GAP_FROM = hourOf('2023-04-12T00');
const GAP_TO = GAP_FROM + 99;
const LONG_GAP = 52;
const ISSUES = 30 * 24 - HORIZON + 1;
let store: FeatureStore;
let test: SplitRange;
beforeAll(() => {
  store = buildEvalStore(tmp.dir, 'store', {
    nullRate: 0.01,
    edit: (code, route, series, hour) =>
      code === 'ERCO' && route === 'region-data' && series === 'D' && hour >= GAP_FROM && hour <= GAP_TO
        ? 'drop'
        : undefined,
  });
  const range = store.metadata.splits.find((s) => s.name === 'test');
  if (range === undefined) throw new Error('no test split');
  test = range;
  expect(respondentOf(store, 'ERCO').longGap.reduce((n, x) => n + x, 0)).toBe(LONG_GAP);
});

/** Checks every window and forecast of an evaluation against the rules, from the store alone. */
function expectWindowsObeyTheRules(e: Evaluation, predictor: ReturnType<typeof oracle>, split: SplitRange): void {
  const seqLen = predictor.seqLen;
  const reach = minContext(seqLen) - 1;
  expect(predictor.calls.length).toBe(e.report.windows);
  for (const f of e.respondents) {
    const lastIssue = split.lastHour - HORIZON - f.firstHour;
    const calls = predictor.calls.filter((c) => c.respondent === f.respondent).map((c) => c.start);
    expect(calls).toEqual(f.windows.map((w) => w.start));
    for (const start of calls) {
      expect(start).toBeGreaterThanOrEqual(WARM_UP_HOURS);
      expect(start + seqLen - 1).toBeLessThanOrEqual(lastIssue); // no input row only a target of the split covers
    }
    let n = 0;
    for (const w of f.windows) {
      expect(w.from - w.start).toBeGreaterThanOrEqual(reach); // ≥ ⌈seqLen/2⌉ hours of context
      expect(w.to - w.start).toBeLessThan(seqLen);
      for (; n < f.issued.length && (f.issued[n] ?? 0) <= w.to; n++) expect(f.issued[n]).toBeGreaterThanOrEqual(w.from);
    }
    expect(n).toBe(f.issued.length);
    f.issued.forEach((i) => {
      expect(f.firstHour + i + 1).toBeGreaterThanOrEqual(split.firstHour);
      expect(f.firstHour + i + HORIZON).toBeLessThanOrEqual(split.lastHour);
    });
  }
}

/** ERCO's test issue rows whose last 24 hours hold no long-gap row (short gaps are filled: known). */
function ercoKnownIssues(): { rows: number[]; reported: number } {
  const erco = respondentOf(store, 'ERCO');
  const first = test.firstHour - 1 - erco.firstPeriodMs / 3_600_000;
  const rows: number[] = [];
  let reported = 0;
  for (let i = first; i < first + ISSUES; i++) {
    if (erco.longGap.subarray(i - 23, i + 1).every((x) => x === 0)) rows.push(i);
    if (erco.demand.subarray(i - 23, i + 1).every((x) => !Number.isNaN(x))) reported++;
  }
  return { rows, reported };
}

describe('evaluation windows', () => {
  it('forecast every test hour whose last 24 hours are known, with windows that cross the long gap', async () => {
    const seqLen = 240;
    const predictor = oracle(store, seqLen, (r, _i, j) => r.target[j] ?? 0);
    const e = await evaluate(store, predictor, { split: 'test' });
    expectWindowsObeyTheRules(e, predictor, test);
    const pacw = e.respondents.find((f) => f.respondent === 'PACW');
    expect(pacw?.issued.length).toBe(ISSUES);
    const expected = ercoKnownIssues();
    const erco = e.respondents.find((f) => f.respondent === 'ERCO');
    expect(Array.from(erco?.issued ?? [])).toEqual(expected.rows);
    // the 52 long-gap hours and the 23 after them whose last 24 hours reach into it
    expect(e.report.skipped).toEqual({ noHistory: 0, gap: LONG_GAP + 23 });
    const gapRows = respondentOf(store, 'ERCO').longGap;
    expect(erco?.windows.some((w) => gapRows.subarray(w.start, w.start + seqLen).some((x) => x === 1))).toBe(true);
    const report = e.report.issueHours.find((x) => x.respondent === 'ERCO');
    expect(report).toMatchObject({
      issueHours: ISSUES,
      forecast: expected.rows.length,
      skipped: { noHistory: 0, gap: LONG_GAP + 23 },
      skippedRuns: [{ from: '2023-04-14T00', hours: LONG_GAP + 23, reason: 'gap' }],
      reportedIssueHours: expected.reported,
      forecastOfReported: expected.reported,
      shareOfReported: 100,
    });
    expect(expected.reported).toBeLessThan(expected.rows.length); // 1 % unreported hours: fewer wholly reported
    expect(e.report.minContextHours).toBe(120);
  });

  it('keep forecasting after a long gap with windows longer than the stretch after it (odd seqLen)', async () => {
    // 2,001 h windows: after ERCO's gap only ~16 days remain in April, shorter than one window.
    const predictor = oracle(store, 2001, () => 0);
    const e = await evaluate(store, predictor, { split: 'test' });
    expectWindowsObeyTheRules(e, predictor, test);
    const erco = e.respondents.find((f) => f.respondent === 'ERCO');
    expect(Array.from(erco?.issued ?? [])).toEqual(ercoKnownIssues().rows);
    expect(Math.max(...(erco?.issued ?? []))).toBe(test.lastHour - HORIZON - (erco?.firstHour ?? 0));
    expect(e.report.minContextHours).toBe(1001);
    expect(e.report.skipped.gap).toBe(LONG_GAP + 23);
  });

  it('work on the validation split too, reaching back into train for context', async () => {
    const validation = store.metadata.splits.find((s) => s.name === 'validation');
    if (validation === undefined) throw new Error('no validation split');
    const predictor = oracle(store, 336, () => 0);
    const e = await evaluate(store, predictor, { split: 'validation' });
    expectWindowsObeyTheRules(e, predictor, validation);
    expect(e.report.forecasts).toBe(2 * (31 * 24 - HORIZON + 1));
    expect(Math.min(...predictor.calls.map((c) => c.start))).toBeLessThan(
      validation.firstHour - (e.respondents[0]?.firstHour ?? 0),
    );
  });
});

describe('evaluation refuses', () => {
  const bad = (seqLen: number, values: (n: number) => Float32Array): Predictor => ({
    seqLen,
    quantiles: [0.5],
    predict: () => Promise.resolve(values(seqLen)),
  });

  it('a sequence longer than the history before the split, naming the split, seqLen and the fix', async () => {
    const e = evaluate(
      store,
      oracle(store, 5000, () => 0),
      { split: 'test' },
    );
    await expect(e).rejects.toBeInstanceOf(EvaluationError);
    await expect(e).rejects.toMatchObject({
      code: 'TRAIN_EVAL_NO_FORECASTS',
      message: expect.stringMatching(/split test .*seqLen 5000.*shorter --seq-len/),
    });
  });

  it('predictions of the wrong shape or with NaN, naming the respondent and row', async () => {
    await expect(
      evaluate(
        store,
        bad(240, (s) => new Float32Array(s * 12)),
        { split: 'test' },
      ),
    ).rejects.toMatchObject({
      code: 'TRAIN_EVAL_PREDICTION',
      message: expect.stringMatching(/predictor for ERCO at row \d+: returned 2880 values, expected .* 1 = 5760/),
    });
    await expect(
      evaluate(
        store,
        bad(240, (s) => new Float32Array(s * HORIZON).fill(Number.NaN)),
        { split: 'test' },
      ),
    ).rejects.toMatchObject({
      code: 'TRAIN_EVAL_PREDICTION',
      message: expect.stringMatching(/ERCO at row \d+: value NaN at position 0, horizon 1, quantile 0.5 is not finite/),
    });
  });
});
