// The synthetic grid: demand, its day-ahead forecast, interchange and a generation mix for one
// respondent and hour, all integers (MWh) and a pure function of (seed, respondent, hour).
import { FUEL_CODES, type SimRespondent } from './catalog.ts';
import { Stream, quickGauss, uniform } from './noise.ts';
import { buildWeather, type Weather } from './weather.ts';

/** Slots of the value vector: region-data series first, then fuels in FUEL_CODES order. */
export const REGION_SLOT: Readonly<Record<string, number>> = { D: 0, DF: 1, NG: 2, TI: 3 };
export const FUEL_SLOT: Readonly<Record<string, number>> = Object.fromEntries(FUEL_CODES.map((f, i) => [f, 4 + i]));
const [COL, NG, NUC, OIL, OTH, SUN, WAT, WND] = [4, 5, 6, 7, 8, 9, 10, 11];
const SLOTS = 12;
const HOUR_2020 = 438_288; // 2020-01-01T00 as an hour index, anchors the load growth trend
const DEG = Math.PI / 180;

/** Gaussian bump on the 24-hour clock (wraps at midnight). */
function bump(hour: number, centre: number, width: number): number {
  let dx = hour - centre;
  if (dx > 12) dx -= 24;
  else if (dx < -12) dx += 24;
  return Math.exp(-0.5 * (dx / width) ** 2);
}

/** Load shape on the local clock: morning and (higher) evening peaks, a night trough. */
function dailyShape(lh: number, weekend: boolean): number {
  return (
    0.84 +
    (weekend ? 0.04 : 0.1) * bump(lh, 8.5, 2) +
    0.15 * bump(lh, 19, 2.5) +
    0.07 * bump(lh, 13, 4) -
    0.06 * bump(lh, 3.5, 2.5)
  );
}

// Every hour's middle falls at local hour i + 0.5 (offsets are whole hours), so the clock-driven
// terms are 24-entry tables.
const clock = (f: (lh: number) => number): Float64Array => Float64Array.from({ length: 24 }, (_, i) => f(i + 0.5));
const SHAPE_WEEKDAY = clock((lh) => dailyShape(lh, false));
const SHAPE_WEEKEND = clock((lh) => dailyShape(lh, true));
const TEMP_DIURNAL = clock((lh) => 4 * Math.cos((2 * Math.PI * (lh - 15)) / 24)); // °C, warmest 15:00
const EXPORT_DIURNAL = clock((lh) => 0.05 * Math.sin((2 * Math.PI * (lh - 14)) / 24));
const HOUR_ANGLE_COS = clock((lh) => Math.cos(15 * DEG * (lh - 12)));

export class RespondentModel {
  private readonly weather: Weather;
  private readonly values = new Float64Array(SLOTS);
  private readonly raw = new Float64Array(SLOTS);
  private memoHour = Number.NaN;
  private readonly sinLat: number;
  private readonly cosLat: number;

  constructor(
    private readonly seed: number,
    private readonly key: number,
    readonly respondent: SimRespondent,
  ) {
    this.weather = buildWeather(seed, key, respondent);
    this.sinLat = Math.sin(respondent.latitude * DEG);
    this.cosLat = Math.cos(respondent.latitude * DEG);
  }

  /** Value of a slot (REGION_SLOT / FUEL_SLOT) at an hour; consecutive slots of one hour reuse work. */
  value(slot: number, hour: number): number {
    if (hour !== this.memoHour) {
      this.compute(hour);
      this.memoHour = hour;
    }
    return this.values[slot] ?? 0;
  }

  private noise(stream: number, slot: number, index: number): number {
    return quickGauss(this.seed, stream, this.key * 16 + slot, index);
  }

  private compute(hour: number): void {
    const w = this.weather;
    const local = hour - 1 + this.respondent.utcOffset; // start of the hour ending at `hour`, local standard time
    const localDay = Math.floor(local / 24);
    const clockHour = local - localDay * 24;
    const di = localDay - w.firstDay;
    const weekend = w.weekend[di] === 1;
    const shape = (weekend ? SHAPE_WEEKEND : SHAPE_WEEKDAY)[clockHour] ?? 1;
    const demand = this.demand(hour, clockHour, di, shape, weekend);
    const v = this.values;
    const d = Math.round(demand);
    v[0] = d;
    v[1] = Math.round(
      demand *
        (1 + 0.025 * this.noise(Stream.forecastDay, 0, localDay) + 0.01 * this.noise(Stream.forecastHour, 0, hour)),
    );
    this.fuels(hour, clockHour, di, shape, demand, localDay);
    let generation = 0;
    for (let i = COL; i < SLOTS; i++) {
      const mw = Math.round(this.raw[i] ?? 0);
      v[i] = mw;
      generation += mw;
    }
    v[2] = generation;
    // EIA sign convention: TI > 0 is a net export, so NG ≈ D + TI; a small metering mismatch remains.
    v[3] = generation - d + Math.round(0.003 * demand * this.noise(Stream.interchangeHour, 0, hour));
  }

  private demand(hour: number, clockHour: number, di: number, shape: number, weekend: boolean): number {
    const r = this.respondent;
    const temp = (this.weather.temp[di] ?? 0) + (TEMP_DIURNAL[clockHour] ?? 0);
    const weather = 1 + r.cooling * Math.max(0, temp - 20) + r.heating * Math.max(0, 14 - temp);
    const growth = 1 + (0.006 * (hour - HOUR_2020)) / 8766;
    const noise = 1 + 0.012 * this.noise(Stream.demand, 0, hour);
    return r.scale * shape * weather * (weekend ? 0.92 : 1) * growth * noise;
  }

  /** MW into this.raw by slot; coal and gas take the residual of the generation target. */
  private fuels(hour: number, clockHour: number, di: number, shape: number, demand: number, localDay: number): void {
    const r = this.respondent;
    const s = r.shares;
    const doy = this.weather.doy[di] ?? 0;
    const out = this.raw;
    out[SUN] = (s.SUN ?? 0) * r.scale * this.solar(hour, clockHour, di, doy);
    out[WND] = (s.WND ?? 0) * r.scale * 3 * (this.weather.wind[hour - this.weather.firstHour] ?? 0);
    out[NUC] =
      (s.NUC ?? 0) *
      r.scale *
      (doy >= 100 && doy < 130 ? 0.7 : 1) *
      (1 + 0.003 * this.noise(Stream.fuelHour, NUC, hour));
    out[WAT] =
      (s.WAT ?? 0) *
      r.scale *
      (1 + 0.4 * Math.cos((2 * Math.PI * (doy - 140)) / 365)) *
      (0.8 + 1.6 * (shape - 0.84)) *
      (1 + 0.03 * this.noise(Stream.fuelHour, WAT, hour));
    out[OTH] = (s.OTH ?? 0) * r.scale * (1 + 0.02 * this.noise(Stream.fuelHour, OTH, hour));
    out[OIL] = (s.OIL ?? 0) * r.scale * (1 + 8 * Math.max(0, demand / r.scale - 1.15));
    const exportShare =
      r.exportShare + (EXPORT_DIURNAL[clockHour] ?? 0) + 0.03 * this.noise(Stream.interchangeDay, 0, localDay);
    const fixed =
      (out[SUN] ?? 0) + (out[WND] ?? 0) + (out[NUC] ?? 0) + (out[WAT] ?? 0) + (out[OTH] ?? 0) + (out[OIL] ?? 0);
    const thermal = Math.max(0.03 * r.scale, demand * (1 + exportShare) - fixed);
    out[COL] = thermal * r.coal;
    out[NG] = thermal - thermal * r.coal;
  }

  /** Solar output per unit share: sun elevation × (1 − cloud); a small draw at night. */
  private solar(hour: number, clockHour: number, di: number, doy: number): number {
    const decl = 23.44 * DEG * Math.sin((2 * Math.PI * (284 + doy)) / 365);
    const sinElev = this.sinLat * Math.sin(decl) + this.cosLat * Math.cos(decl) * (HOUR_ANGLE_COS[clockHour] ?? 0);
    if (sinElev <= 0) return -0.002;
    const cloud = (this.weather.cloud[di] ?? 0) * (0.8 + 0.4 * uniform(this.seed, Stream.cloudHour, this.key, hour));
    return 3.2 * sinElev ** 1.2 * (1 - 0.7 * cloud);
  }
}

const models = new Map<string, RespondentModel>();

/** Cached model per (seed, respondent index); building one costs a few ms of weather. */
export function modelFor(seed: number, index: number, respondent: SimRespondent): RespondentModel {
  const id = `${seed}:${index}`;
  let m = models.get(id);
  if (m === undefined) {
    if (models.size >= 96) models.clear(); // ~0.45 MB each: bounds memory across many seeds
    m = new RespondentModel(seed, index, respondent);
    models.set(id, m);
  }
  return m;
}
