// Stateless, seeded noise: every random number the simulator uses is a hash of its coordinates,
// so a value depends only on (seed, stream, key, index) and never on request order.

function mix(h: number, v: number): number {
  let x = Math.imul(h ^ v, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca77);
  return x ^ (x >>> 13);
}

/** 32-bit hash of four integers (murmur3-style finaliser). */
export function hash4(seed: number, stream: number, key: number, index: number): number {
  let h = mix(seed | 0, stream | 0);
  h = mix(h, key | 0);
  h = mix(h, index | 0);
  h = Math.imul(h ^ (h >>> 16), 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

/** Uniform in the open interval (0, 1). */
export function uniform(seed: number, stream: number, key: number, index: number): number {
  return (hash4(seed, stream, key, index) + 0.5) / 4_294_967_296;
}

/** Standard normal by Box–Muller over two independent hashes (exact; for the weather series). */
export function gauss(seed: number, stream: number, key: number, index: number): number {
  const u1 = uniform(seed, stream, key, index);
  const u2 = uniform(seed ^ 0x5bd1e995, stream, key, index);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Approximately normal (mean 0, sd 1, bounded to ±3.46) from one hash: the sum of its four bytes
 * (Irwin–Hall). Several times cheaper than gauss; used for the per-hour noise of served values.
 */
export function quickGauss(seed: number, stream: number, key: number, index: number): number {
  const h = hash4(seed, stream, key, index);
  const sum = (h & 255) + ((h >>> 8) & 255) + ((h >>> 16) & 255) + (h >>> 24);
  return (sum / 255 - 2) * 1.7320508;
}

/** Noise streams: one per purpose so that no two quantities share random numbers. */
export const Stream = {
  temperature: 1,
  cloud: 2,
  cloudHour: 3,
  wind: 4,
  demand: 5,
  forecastDay: 6,
  forecastHour: 7,
  interchangeDay: 8,
  interchangeHour: 9,
  fuelHour: 10,
  nullHour: 11,
  outageDay: 12,
  absentDay: 13,
  latency: 20,
  fault: 21,
  faultVariant: 22,
  caisoForecast: 30,
  caisoInterval: 31,
  caisoShuffle: 32,
  caisoBusy: 33,
} as const;
