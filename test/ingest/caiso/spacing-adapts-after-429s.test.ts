// The CAISO limiter learns the gap OASIS needs: a client planning 30 % faster than the twin's one
// request per 5 s ÷ k gets a few 429s, not one per shortfall: its margin grows to cover the gap;
// the margin grows after each 429 and decays slowly back to its floor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AdaptiveMargin, parseHour, runCaisoExtract, startCaisoSimServer } from '../../../src/ingest/index.ts';

const K = 50;
const hour = (text: string): number => parseHour(text) ?? Number.NaN;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('adaptive spacing', () => {
  it('grows ×2 (at least + floor) per 429 up to its cap and decays 1 % of the excess per request', () => {
    const m = new AdaptiveMargin({ floorMs: 10, maxMs: 50, decayPerRequest: 0.99 });
    expect(m.ms).toBe(10);
    m.grow();
    expect(m.ms).toBe(20);
    m.grow();
    m.grow();
    expect(m.ms).toBe(50); // capped
    m.decay();
    expect(m.ms).toBeCloseTo(10 + 40 * 0.99, 9); // tolerance 1e-9 ms
    for (let i = 0; i < 2000; i++) m.decay();
    expect(m.ms).toBeCloseTo(10, 6); // back to the floor within 1e-6 ms
  });

  it('against the twin, a client planning 30 % over the budget is throttled only a few times: the margin grows to ' +
    'cover it', async () => {
    const sim = await startCaisoSimServer({ timeScale: K, latencyMedianMs: 0 });
    const outDir = mkdtempSync(join(tmpdir(), 'wattring-caiso-spacing-'));
    dirs.push(outDir);
    try {
      // 40 one-day windows; at k = 50 the twin allows one request per 100 ms, the client plans 77 ms.
      const result = await runCaisoExtract({
        source: 'caiso-sim',
        baseUrl: sim.url,
        outDir,
        resume: false,
        timeScale: K,
        ratePerHour: 720 * 1.3,
        plan: {
          runs: [{ report: 'SLD_FCST', marketRun: 'DAM' }],
          startMs: hour('2024-01-01T01'),
          endMs: hour('2024-02-10T00'),
          windowHours: 24,
        },
      });
      expect(result.outcomes.every((o) => o.kind === 'landed')).toBe(true);
      expect(result.duplicates).toBe(0);
      const throttled = result.stats.byOutcome.throttled;
      // The shortfall is 23 ms: the 20 ms floor doubles to 40 ms after the first 429 and covers it; a
      // loaded machine can add a few (a fixed margin would be throttled on every third request or so).
      expect(throttled).toBeGreaterThanOrEqual(1);
      expect(throttled).toBeLessThanOrEqual(5);
    } finally {
      await sim.close();
    }
  }, 120_000);
});
