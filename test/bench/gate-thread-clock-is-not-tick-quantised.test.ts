// The gate's JavaScript-thread clock reads the thread's own run time to well under a scheduler tick:
// /proc's schedstat of a running thread is updated only at ticks (every 4 ms at CONFIG_HZ=250) and
// context switches, so without the clock's nap every reading of a short busy loop is a whole number
// of ticks (docs/gate.md, "The thread clock's tick"). Ticks are whole milliseconds at any common HZ.
import { expect, it } from 'vitest';
import { clockReader } from '../../src/bench/gate/worker-clocks.ts';

function busy(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

it('reads a 5 ms busy loop to a fraction of a millisecond, not in whole ticks', () => {
  const read = clockReader('thread');
  const readings: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = read();
    busy(5);
    readings.push((read() - t0) * 1e3);
  }
  const wholeMs = readings.filter((ms) => Math.abs(ms - Math.round(ms)) < 0.02);
  expect(wholeMs.length, `readings (ms): ${readings.map((r) => r.toFixed(3)).join(' ')}`).toBeLessThan(5);
  for (const ms of readings) expect(ms).toBeLessThan(50);
  expect(Math.max(...readings)).toBeGreaterThan(1);
});
