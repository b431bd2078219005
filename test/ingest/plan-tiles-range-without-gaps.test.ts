// The request plan tiles [start, end] hour by hour with no gap and no overlap (year ends, leap
// days included), sizes windows to fill 5,000-row pages, and gives stable ids.
import { describe, expect, it } from 'vitest';
import { formatHour, HOUR_MS, parseHour, planRequests, type PlanInput } from '../../src/ingest/index.ts';

const h = (text: string): number => {
  const ms = parseHour(text);
  if (ms === undefined) throw new Error(`bad hour ${text}`);
  return ms;
};

function expectTiling(input: PlanInput): void {
  const plan = planRequests(input);
  for (const route of input.routes) {
    const windows = plan.windows.filter((w) => w.route === route);
    expect(windows[0]?.startMs).toBe(input.startMs);
    expect(windows.at(-1)?.endMs).toBe(input.endMs);
    for (let i = 1; i < windows.length; i++) {
      // next window starts exactly one hour after the previous one ends: no gap, no overlap
      expect(windows[i]?.startMs, `${route} window ${i}`).toBe((windows[i - 1]?.endMs ?? 0) + HOUR_MS);
    }
    for (const w of windows) expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
  }
}

const base = {
  routes: ['region-data', 'fuel-type-data'],
  respondents: ['PACW', 'ERCO', 'CISO', 'MISO', 'PJM'],
  series: { 'region-data': ['D'], 'fuel-type-data': [] },
} satisfies Partial<PlanInput>;

describe('request plan', () => {
  it.each([
    ['across a year end', '2023-12-25T05', '2024-01-03T17', 24],
    ['across a leap day', '2024-02-27T00', '2024-03-02T23', 7],
    ['across 2019-2025 with 1000-h windows', '2019-01-01T00', '2025-12-31T23', undefined],
    ['a single hour', '2024-02-29T23', '2024-02-29T23', undefined],
    ['with 45-day windows over two leap years', '2019-06-30T00', '2024-03-01T12', 45 * 24],
  ])('tiles %s', (_name, start, end, windowHours) => {
    expectTiling({ ...base, startMs: h(start), endMs: h(end), windowHours });
  });

  it('counts the leap day: 2024-02-28T00..2024-03-01T23 is 72 hours', () => {
    const plan = planRequests({
      ...base,
      routes: ['region-data'],
      startMs: h('2024-02-28T00'),
      endMs: h('2024-03-01T23'),
      windowHours: 1,
    });
    expect(plan.windows.length).toBe(72);
    expect(plan.windows.map((w) => formatHour(w.startMs))).toContain('2024-02-29T12');
  });

  it('puts all respondents in one query and sizes windows to one full page', () => {
    const plan = planRequests({
      ...base,
      startMs: h('2024-01-01T00'),
      endMs: h('2024-03-31T23'),
      seriesPerRespondent: { 'fuel-type-data': 7.2 },
    });
    const demand = plan.windows.filter((w) => w.route === 'region-data');
    expect(demand[0]?.respondents).toEqual(base.respondents);
    expect(plan.windowHours['region-data']).toBe(1000); // 5 respondents × 1 series × 1000 h = 5,000 rows
    expect(plan.windowHours['fuel-type-data']).toBe(138); // floor(5000 / (5 × 7.2))
    for (const w of plan.windows.slice(0, -1)) expect(w.expectedRows).toBeLessThanOrEqual(5000);
  });

  it('gives the same ids for the same input and different ids for a different range', () => {
    const input = { ...base, startMs: h('2024-01-01T00'), endMs: h('2024-03-31T23') };
    const a = planRequests(input);
    const b = planRequests(input);
    const c = planRequests({ ...input, endMs: h('2024-03-31T22') });
    expect(a.windows.map((w) => w.id)).toEqual(b.windows.map((w) => w.id));
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(new Set(a.windows.map((w) => w.id)).size).toBe(a.windows.length);
  });

  it('parses only real calendar hours', () => {
    expect(parseHour('2024-02-29T23')).toBe(Date.UTC(2024, 1, 29, 23));
    expect(parseHour('2023-02-29T00')).toBeUndefined();
    expect(parseHour('2024-01-01T24')).toBeUndefined();
    expect(parseHour('2024-13-01T00')).toBeUndefined();
    expect(parseHour('2024-1-01T00')).toBeUndefined();
  });
});
