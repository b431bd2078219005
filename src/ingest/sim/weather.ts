// Per-respondent weather for the synthetic data: an AR(1) daily temperature anomaly on a seasonal
// curve, AR(1) daily cloudiness and an AR(1) hourly wind index, computed once per (seed, respondent).
import { SIM_LAST_HOUR, SIM_ROUTES, type SimRespondent } from './catalog.ts';
import { dayOfYear, weekday } from './hours.ts';
import { gauss, Stream } from './noise.ts';

/** First day held (a few days before the first data hour, so local times before it resolve). */
const FIRST_DAY = Math.floor(SIM_ROUTES['region-data'].firstHour / 24) - 3;
const LAST_DAY = Math.floor(SIM_LAST_HOUR / 24) + 3;
const FIRST_HOUR = FIRST_DAY * 24;
const BURN_IN = 60;

export interface Weather {
  readonly firstDay: number;
  readonly firstHour: number;
  /** Daily mean temperature, °C, indexed by day − firstDay. */
  readonly temp: Float32Array;
  /** Daily cloud cover in (0, 1). */
  readonly cloud: Float32Array;
  readonly doy: Uint16Array;
  /** 1 on Saturdays and Sundays. */
  readonly weekend: Uint8Array;
  /** Hourly wind capacity factor in (0, 1), indexed by hour − firstHour. */
  readonly wind: Float32Array;
}

/** AR(1) series x[t] = phi·x[t−1] + sqrt(1−phi²)·ε[t] with unit stationary variance. */
function ar1(seed: number, stream: number, key: number, first: number, count: number, phi: number): Float32Array {
  const out = new Float32Array(count);
  const s = Math.sqrt(1 - phi * phi);
  let x = 0;
  for (let t = first - BURN_IN; t < first + count; t++) {
    x = phi * x + s * gauss(seed, stream, key, t);
    if (t >= first) out[t - first] = x;
  }
  return out;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function buildWeather(seed: number, key: number, r: SimRespondent): Weather {
  const days = LAST_DAY - FIRST_DAY + 1;
  const anomaly = ar1(seed, Stream.temperature, key, FIRST_DAY, days, 0.8);
  const cloudZ = ar1(seed, Stream.cloud, key, FIRST_DAY, days, 0.6);
  const temp = new Float32Array(days);
  const cloud = new Float32Array(days);
  const doy = new Uint16Array(days);
  const weekend = new Uint8Array(days);
  for (let i = 0; i < days; i++) {
    const day = FIRST_DAY + i;
    const d = dayOfYear(day);
    doy[i] = d;
    // Coldest around 20 January, warmest around 21 July; anomaly sd 3.5 °C.
    temp[i] = r.meanTemp - r.tempSwing * Math.cos((2 * Math.PI * (d - 20)) / 365.25) + 3.5 * (anomaly[i] ?? 0);
    cloud[i] = sigmoid(1.3 * (cloudZ[i] ?? 0) - 0.4);
    const w = weekday(day);
    weekend[i] = w === 0 || w === 6 ? 1 : 0;
  }
  const windZ = ar1(seed, Stream.wind, key, FIRST_HOUR, days * 24, 0.97);
  const wind = new Float32Array(windZ.length);
  for (let i = 0; i < windZ.length; i++) wind[i] = sigmoid(1.5 * (windZ[i] ?? 0) - 0.8);
  return { firstDay: FIRST_DAY, firstHour: FIRST_HOUR, temp, cloud, doy, weekend, wind };
}
