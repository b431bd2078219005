// Which windows evaluation asks the predictor for: every forecast has ≥ ⌈seqLen/2⌉ hours of
// context, no window reaches before the warm-up rows, into a long gap or past the split's last
// issue hour, every target hour lies in the split, and hours that cannot be forecast are counted.
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
  expect(respondentOf(store, 'ERCO').longGap.reduce((n, x) => n + x, 0)).toBe(52);
});

/** Checks every window and forecast of an evaluation against the rules, from the store alone. */
function expectWindowsObeyTheRules(e: Evaluation, predictor: ReturnType<typeof oracle>, split: SplitRange): void {
  const seqLen = predictor.seqLen;
  const reach = minContext(seqLen) - 1;
  expect(predictor.calls.length).toBe(e.report.windows);
  for (const f of e.respondents) {
    const r = respondentOf(store, f.respondent);
    const lastIssue = split.lastHour - HORIZON - f.firstHour;
    const calls = predictor.calls.filter((c) => c.respondent === f.respondent).map((c) => c.start);
    expect(calls).toEqual(f.windows.map((w) => w.start));
    for (const start of calls) {
      expect(start).toBeGreaterThanOrEqual(WARM_UP_HOURS);
      expect(start + seqLen - 1).toBeLessThanOrEqual(lastIssue); // no input row only a target of the split covers
      expect(r.longGap.subarray(start, start + seqLen).every((x) => x === 0)).toBe(true);
    }
    let n = 0;
    for (const w of f.windows) {
      expect(w.from - w.start).toBeGreaterThanOrEqual(reach); // ≥ ⌈seqLen/2⌉ hours of context
      expect(w.to - w.start).toBeLessThan(seqLen);
      for (let i = w.from; i <= w.to; i++, n++) expect(f.issued[n]).toBe(i);
    }
    expect(n).toBe(f.issued.length);
    f.issued.forEach((i) => {
      expect(f.firstHour + i + 1).toBeGreaterThanOrEqual(split.firstHour);
      expect(f.firstHour + i + HORIZON).toBeLessThanOrEqual(split.lastHour);
    });
  }
}

describe('evaluation windows', () => {
  it('forecast every test hour but those a long gap hides, each from a window that obeys the rules', async () => {
    const seqLen = 240;
    const predictor = oracle(store, seqLen, (r, _i, j) => r.target[j] ?? 0);
    const e = await evaluate(store, predictor, { split: 'test' });
    expectWindowsObeyTheRules(e, predictor, test);
    const issues = 30 * 24 - HORIZON + 1;
    const pacw = e.respondents.find((f) => f.respondent === 'PACW');
    expect(pacw?.issued.length).toBe(issues);
    // ERCO: an issue hour is forecast iff the ⌈seqLen/2⌉ hours ending at it hold no long-gap row.
    const erco = respondentOf(store, 'ERCO');
    const first = test.firstHour - 1 - erco.firstPeriodMs / 3_600_000;
    const expected: number[] = [];
    for (let i = first; i < first + issues; i++) {
      if (erco.longGap.subarray(i - minContext(seqLen) + 1, i + 1).every((x) => x === 0)) expected.push(i);
    }
    expect(Array.from(e.respondents.find((f) => f.respondent === 'ERCO')?.issued ?? [])).toEqual(expected);
    expect(e.report.skipped).toEqual({ noHistory: 0, longGap: issues - expected.length });
    expect(e.report.skipped.longGap).toBe(52 + minContext(seqLen) - 1);
    expect(e.report.minContextHours).toBe(120);
  });

  it('skip a whole stretch after a long gap when it is shorter than one window, and keep odd sequence lengths right', async () => {
    // 2,001 h windows: after ERCO's gap only ~16 days remain in April, too short for a window.
    const predictor = oracle(store, 2001, () => 0);
    const e = await evaluate(store, predictor, { split: 'test' });
    expectWindowsObeyTheRules(e, predictor, test);
    const erco = e.respondents.find((f) => f.respondent === 'ERCO');
    const gapEnd = GAP_TO - (erco?.firstHour ?? 0);
    expect(Math.max(...(erco?.issued ?? []))).toBeLessThan(gapEnd - 51); // nothing at or after the long gap
    expect(e.report.minContextHours).toBe(1001);
    expect(e.report.skipped.longGap).toBe(30 * 24 - HORIZON + 1 - (erco?.issued.length ?? 0));
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
