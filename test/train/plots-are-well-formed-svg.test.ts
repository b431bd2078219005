// The SVG plots: well-formed markup (balanced tags, quoted attributes, escaped text), the series
// named in a legend, axes with tick labels, and never a NaN, even for series with holes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evaluate,
  forecastWeekSvg,
  leadTimeMapeSvg,
  lineChartSvg,
  lossCurveSvg,
  niceTicks,
  type Evaluation,
} from '../../src/train/evaluate/index.ts';
import { tempDir } from '../features/support/world.ts';
import { bandPredictor, buildEvalStore, oracle } from './support/eval-store.ts';

const tmp = tempDir('eval-svg');
afterAll(() => tmp.cleanup());

let evaluation: Evaluation;
let banded: Evaluation;
beforeAll(async () => {
  const store = buildEvalStore(tmp.dir, 'store', { nullRate: 0.03 });
  evaluation = await evaluate(
    store,
    oracle(store, 240, (r, _i, j) => r.target[j - 24] ?? 0),
    { split: 'test' },
  );
  banded = await evaluate(store, bandPredictor(store, 240, 0.3), { split: 'test' });
});

/** XML well-formedness for the subset we write: elements nest, attributes are quoted, text is escaped. */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let at = 0;
  while (at < svg.length) {
    const lt = svg.indexOf('<', at);
    const text = svg.slice(at, lt < 0 ? svg.length : lt);
    expect(text).not.toMatch(/>|&(?!#\d+;|amp;|lt;|gt;|quot;)/);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    if (m === null) throw new Error(`malformed tag at ${lt}: ${svg.slice(lt, lt + 60)}`);
    const [, close, name, , selfClose] = m;
    if (close === '/') expect(stack.pop()).toBe(name);
    else if (selfClose !== '/') stack.push(name ?? '');
    at = tag.lastIndex;
  }
  expect(stack).toEqual([]);
  expect(svg.trimStart().startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
}

describe('SVG plots', () => {
  it('loss curves: train and validation named, step axis, loss ticks', () => {
    const svg = lossCurveSvg({
      train: Array.from({ length: 40 }, (_, k) => ({ step: k, loss: 1 / (1 + k) })),
      validation: [
        { step: 10, loss: 0.2 },
        { step: 20, loss: Number.NaN },
        { step: 30, loss: 0.05 },
      ],
    });
    expectWellFormed(svg);
    for (const word of ['Training loss', '>train<', '>validation<', '>step<', 'loss (MSE']) expect(svg).toContain(word);
    expect(svg).toContain('>1.0<'); // a y tick label at loss 1
  });

  it('forecast week: 7 day-ahead forecasts of actual, model, DF and seasonal-naive, day ticks on the time axis', () => {
    for (const code of ['ERCO', 'PACW']) {
      const svg = forecastWeekSvg(evaluation, code);
      expectWellFormed(svg);
      for (const word of [
        code,
        'actual',
        'model forecast',
        'BA day-ahead (DF)',
        'seasonal-naive',
        'demand (MWh)',
        '7 days from 2023-04-01',
        'Sun 04-02',
      ])
        expect(svg).toContain(word);
      // 7 × 24 hours per series; unreported actual hours break the line into several segments
      const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1] ?? '');
      expect(paths.length).toBe(4);
      expect((paths[1]?.match(/[ML]/g) ?? []).length).toBe(7 * 24);
      expect((paths[0]?.match(/M/g) ?? []).length).toBeGreaterThanOrEqual(1);
    }
    expect(forecastWeekSvg(evaluation, 'PACW', { from: '2023-04-10', seasonalNaive: false })).toContain(
      '7 days from 2023-04-10',
    );
    expect(() => forecastWeekSvg(evaluation, 'NOPE')).toThrow(/no forecasts for respondent NOPE/);
  });

  it('forecast week of a quantile model: the P10-P90 band drawn behind the P50 line, and named', () => {
    const svg = forecastWeekSvg(banded, 'PACW');
    expectWellFormed(svg);
    for (const word of ['model P10-P90', 'model P50', 'actual', 'fill-opacity']) expect(svg).toContain(word);
    const paths = [...svg.matchAll(/<path d="([^"]*)"([^>]*)>/g)];
    expect(paths.length).toBe(5);
    expect(paths[0]?.[2]).toContain('fill-opacity'); // the band is the first path: behind every line
    // one closed polygon per week (no gaps in a model's quantiles): 7 × 24 points along the top and back
    expect((paths[0]?.[1]?.match(/Z/g) ?? []).length).toBe(1);
    expect((paths[0]?.[1]?.match(/[ML]/g) ?? []).length).toBe(2 * 7 * 24);
    expect(forecastWeekSvg(evaluation, 'PACW')).not.toContain('P10-P90'); // a point model has no band
  });

  it('MAPE by lead time: one line per method over 24 leads, in both views, for the mean and one respondent', () => {
    for (const options of [{}, { view: 'day-ahead' as const }, { respondent: 'ERCO' }]) {
      const svg = leadTimeMapeSvg(banded, options);
      expectWellFormed(svg);
      for (const word of ['MAPE by lead time', 'model', 'BA day-ahead (DF)', 'linear DF-correction', 'naive-24 h']) {
        expect(svg).toContain(word);
      }
      const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1] ?? '');
      expect(paths.length).toBe(5);
      for (const d of paths) expect((d.match(/[ML]/g) ?? []).length).toBe(24);
    }
    expect(leadTimeMapeSvg(banded, { view: 'day-ahead' })).toContain('issued 00 UTC');
    expect(() => leadTimeMapeSvg(banded, { respondent: 'NOPE' })).toThrow(/NOPE/);
  });

  it('escapes text and survives empty or constant series', () => {
    const svg = lineChartSvg({
      title: 'a <b> & "c"',
      xLabel: "x's",
      yLabel: 'y',
      series: [
        { name: '<empty>', points: [], color: '#000' },
        {
          name: 'flat',
          points: [
            { x: 0, y: 5 },
            { x: 1, y: 5 },
          ],
          color: 'red',
        },
      ],
    });
    expectWellFormed(svg);
    expect(svg).toContain('a &#60;b&#62; &#38; &#34;c&#34;');
    expect(svg).toContain('&#60;empty&#62;');
  });

  it('picks nice tick steps (1, 2, 2.5, 5 × 10^k) that cover the range', () => {
    expect(niceTicks(0, 1)).toMatchObject({ lo: 0, hi: 1, step: 0.2 });
    expect(niceTicks(2437, 3561)).toMatchObject({ lo: 2400, hi: 3600, step: 200 });
    const t = niceTicks(-3, 97);
    expect(t.lo).toBeLessThanOrEqual(-3);
    expect(t.hi).toBeGreaterThanOrEqual(97);
    expect(t.step).toBe(20);
  });
});
