// Frozen CPU calibration of `bench gate` (never tuned, not product code): a fixed integer hash
// loop over a 64 KiB table, so timing ratios of CPU-bound stages cancel the machine's speed.
const TABLE = new Uint32Array(16384).map((_, i) => (Math.imul(i, 2654435761) >>> 0));

/** One calibration unit: 1,000,000 table-indexed xorshift steps; returns a value so it is not elided. */
export function cpuCalibrationUnit(): number {
  let h = 2166136261;
  for (let i = 0; i < 1_000_000; i++) {
    h ^= TABLE[h & 16383] ?? 0;
    h = Math.imul(h ^ (h >>> 13), 16777619) >>> 0;
  }
  return h;
}

/** Work of one unit, in the unit the ratios are quoted in (million loop steps). */
export const CPU_UNIT_MSTEPS = 1;
