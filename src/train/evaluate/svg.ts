// A small dependency-free SVG line chart: axes with "nice" ticks and labels, a legend, a title,
// escaped text, shaded bands (e.g. a P10–P90 interval) behind the lines, and gaps where a series
// has no value (no NaN ever reaches the markup).
import { DAY_MS } from '../../core/index.ts';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LineSeries {
  readonly name: string;
  /** Non-finite y (or x) breaks the line there. */
  readonly points: readonly Point[];
  readonly color: string;
  readonly dashed?: boolean;
  /** Draw a dot at each point (for sparse series such as validation loss). */
  readonly markers?: boolean;
}

/** A shaded area between two curves sampled at the same x; a point where either is not finite breaks it. */
export interface BandSeries {
  readonly name: string;
  readonly lower: readonly Point[];
  readonly upper: readonly Point[];
  readonly color: string;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** Drawn first, behind every line. */
  readonly bands?: readonly BandSeries[];
  /** `time`: x is ms since 1970 (UTC) and ticks fall on whole days. */
  readonly xAxis?: 'number' | 'time';
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 78, right: 40, top: 58, bottom: 52 } as const;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function lineChartSvg(o: LineChartOptions): string {
  const width = o.width ?? 900;
  const height = o.height ?? 420;
  const plot = { x0: MARGIN.left, x1: width - MARGIN.right, y0: height - MARGIN.bottom, y1: MARGIN.top };
  const bands = o.bands ?? [];
  const all = [...o.series.map((s) => s.points), ...bands.flatMap((b) => [b.lower, b.upper])];
  const xr = extent(all.flatMap((ps) => ps.map((p) => p.x)));
  const yr = extent(all.flatMap((ps) => ps.map((p) => p.y)));
  const xt = o.xAxis === 'time' ? dayTicks(xr.lo, xr.hi) : niceTicks(xr.lo, xr.hi);
  const yt = niceTicks(yr.lo, yr.hi);
  const sx = scale(xt.lo, xt.hi, plot.x0, plot.x1);
  const sy = scale(yt.lo, yt.hi, plot.y0, plot.y1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(o.title)}</text>`,
    ...xt.ticks.map((t) => xTick(sx(t), plot, o.xAxis === 'time' ? dayLabel(t) : numberLabel(t, xt.step))),
    ...yt.ticks.map((t) => yTick(sy(t), plot, numberLabel(t, yt.step))),
    `<rect x="${plot.x0}" y="${plot.y1}" width="${plot.x1 - plot.x0}" height="${plot.y0 - plot.y1}" fill="none" ` +
      `stroke="#333"/>`,
    `<text x="${(plot.x0 + plot.x1) / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`,
    `<text x="16" y="${(plot.y0 + plot.y1) / 2}" text-anchor="middle" transform="rotate(-90 16 ` +
      `${(plot.y0 + plot.y1) / 2})">${escapeXml(o.yLabel)}</text>`,
    ...bands.map((b) => bandPath(b, sx, sy)),
    ...o.series.map((s) => seriesPath(s, sx, sy)),
    legend(o.series, bands, plot.x0),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

function extent(values: readonly number[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo > hi) return { lo: 0, hi: 1 }; // nothing to draw: an empty, labelled frame
  if (lo === hi) return { lo: lo - (Math.abs(lo) || 1) * 0.05, hi: hi + (Math.abs(hi) || 1) * 0.05 };
  return { lo, hi };
}

/** Ticks at multiples of 1, 2, 2.5 or 5 × 10^k, about `target` of them, covering [lo, hi]. */
export function niceTicks(
  lo: number,
  hi: number,
  target = 6,
): { lo: number; hi: number; step: number; ticks: number[] } {
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(k * step);
  return { lo: first * step, hi: last * step, step, ticks };
}

/** Ticks at 00:00 UTC, every day (or every few days on a long range). */
function dayTicks(lo: number, hi: number): { lo: number; hi: number; step: number; ticks: number[] } {
  const days = Math.max(1, Math.ceil((hi - lo) / DAY_MS));
  const every = days <= 10 ? 1 : Math.ceil(days / 8);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / DAY_MS) * DAY_MS; t <= hi; t += every * DAY_MS) ticks.push(t);
  return { lo, hi, step: every * DAY_MS, ticks };
}

function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

function xTick(x: number, plot: { y0: number; y1: number }, label: string): string {
  return (
    `<line x1="${f(x)}" y1="${plot.y1}" x2="${f(x)}" y2="${plot.y0 + 5}" stroke="#ddd"/>` +
    `<text x="${f(x)}" y="${plot.y0 + 18}" text-anchor="middle">${escapeXml(label)}</text>`
  );
}

function yTick(y: number, plot: { x0: number; x1: number }, label: string): string {
  return (
    `<line x1="${plot.x0 - 5}" y1="${f(y)}" x2="${plot.x1}" y2="${f(y)}" stroke="#ddd"/>` +
    `<text x="${plot.x0 - 8}" y="${f(y + 4)}" text-anchor="end">${escapeXml(label)}</text>`
  );
}

/** As many decimals as the tick step needs (0.25 → 2, 50 → 0). */
function numberLabel(v: number, step: number): string {
  let decimals = 0;
  while (decimals < 6 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6) decimals++;
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function dayLabel(ms: number): string {
  const d = new Date(ms);
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${d.toISOString().slice(5, 10)}`;
}

/** One path; each run of finite points is its own `M … L …` segment. */
function seriesPath(s: LineSeries, sx: (v: number) => number, sy: (v: number) => number): string {
  const d: string[] = [];
  let pen = false;
  for (const p of s.points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    d.push(`${pen ? 'L' : 'M'}${f(sx(p.x))},${f(sy(p.y))}`);
    pen = true;
  }
  const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
  const color = escapeXml(s.color);
  const dots =
    s.markers === true
      ? s.points
          .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
          .map((p) => `<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="2.5" fill="${color}"/>`)
          .join('')
      : '';
  return (
    `<path d="${d.join(' ')}" fill="none" stroke="${color}" ` +
    `stroke-width="1.6"${dash}><title>${escapeXml(s.name)}</title></path>${dots}`
  );
}

/** One closed polygon per run of points where both curves are finite: upper left to right, lower back. */
function bandPath(b: BandSeries, sx: (v: number) => number, sy: (v: number) => number): string {
  const runs: string[] = [];
  let run: { x: number; lo: number; hi: number }[] = [];
  const close = (): void => {
    if (run.length > 1) {
      const top = run.map((p, k) => `${k === 0 ? 'M' : 'L'}${f(sx(p.x))},${f(sy(p.hi))}`);
      const bottom = [...run].reverse().map((p) => `L${f(sx(p.x))},${f(sy(p.lo))}`);
      runs.push(`${[...top, ...bottom].join(' ')} Z`);
    }
    run = [];
  };
  b.lower.forEach((lo, k) => {
    const hi = b.upper[k];
    if (hi === undefined || ![lo.x, lo.y, hi.y].every(Number.isFinite)) close();
    else run.push({ x: lo.x, lo: lo.y, hi: hi.y });
  });
  close();
  const color = escapeXml(b.color);
  const title = `<title>${escapeXml(b.name)}</title>`;
  return `<path d="${runs.join(' ')}" fill="${color}" fill-opacity="0.22" stroke="none">${title}</path>`;
}

function legend(series: readonly LineSeries[], bands: readonly BandSeries[], x0: number): string {
  let x = x0;
  const swatches = bands.map((b) => {
    const item =
      `<rect x="${x}" y="34" width="22" height="12" fill="${escapeXml(b.color)}" fill-opacity="0.22"/>` +
      `<text x="${x + 28}" y="44">${escapeXml(b.name)}</text>`;
    x += 40 + 7 * b.name.length;
    return item;
  });
  const items = series.map((s) => {
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    const item =
      `<line x1="${x}" y1="40" x2="${x + 22}" y2="40" stroke="${escapeXml(s.color)}" stroke-width="2"${dash}/>` +
      `<text x="${x + 28}" y="44">${escapeXml(s.name)}</text>`;
    x += 40 + 7 * s.name.length;
    return item;
  });
  return `<g>${[...swatches, ...items].join('')}</g>`;
}

function f(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 10) / 10) : '0';
}
