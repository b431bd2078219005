// Where the synthetic data has holes, as the real EIA-930 data does: ~2% of hours come back with a
// null value (isolated hours and multi-hour reporting outages) and a few rows are absent altogether.
import { SIM_LAST_HOUR, SIM_ROUTES } from './catalog.ts';
import { Stream, hash4, uniform } from './noise.ts';

const ISOLATED_NULL = 0.011; // per hour
const OUTAGE_PER_DAY = 0.011; // an outage starts on ~1 day in 90 and lasts 6..30 hours
const ABSENT_PER_DAY = 0.002; // one absent row on ~1 day in 500
const SECOND = 1 << 20; // key offset for the second and third draw of an outage
const FIRST_DAY = Math.floor(SIM_ROUTES['region-data'].firstHour / 24);
const LAST_DAY = Math.floor(SIM_LAST_HOUR / 24);

/** `key` identifies a (respondent, value slot) series: respondentIndex * 16 + slot. */
export function isNullHour(seed: number, key: number, hour: number): boolean {
  if (uniform(seed, Stream.nullHour, key, hour) < ISOLATED_NULL) return true;
  const day = Math.floor(hour / 24);
  for (let start = day - 2; start <= day; start++) {
    if (uniform(seed, Stream.outageDay, key, start) >= OUTAGE_PER_DAY) continue;
    const first = start * 24 + (hash4(seed, Stream.outageDay, key + SECOND, start) % 24);
    const length = 6 + (hash4(seed, Stream.outageDay, key + 2 * SECOND, start) % 25);
    if (hour >= first && hour < first + length) return true;
  }
  return false;
}

const absentCache = new Map<string, Int32Array>();

/** Sorted hours at which the series has no row at all (cached per seed and key). */
export function absentHours(seed: number, key: number): Int32Array {
  const id = `${seed}:${key}`;
  let hours = absentCache.get(id);
  if (hours === undefined) {
    const found: number[] = [];
    for (let day = FIRST_DAY; day <= LAST_DAY; day++) {
      if (uniform(seed, Stream.absentDay, key, day) < ABSENT_PER_DAY) {
        found.push(day * 24 + (hash4(seed, Stream.absentDay, key + SECOND, day) % 24));
      }
    }
    hours = Int32Array.from(found);
    if (absentCache.size > 4096) absentCache.clear();
    absentCache.set(id, hours);
  }
  return hours;
}

/** Index of the first element >= value in a sorted array. */
export function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
