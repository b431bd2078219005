// The twin's CSV member: the real reports' columns, one row per (interval, series), in a shuffled
// order as OASIS sends them, with local OPR_DT / OPR_HR (25 on the fall-back day).
import { hash4, Stream } from '../../sim/noise.ts';
import type { CaisoReportRun } from '../reports.ts';
import { operatingHour } from './local-time.ts';
import {
  intervalMinutes,
  TWIN_FIRST_MS,
  TWIN_LAST_MS,
  twinSeries,
  type TwinSeries,
  type TwinValues,
} from './values.ts';
import { HOUR_MS } from '../../../core/index.ts';

const COLUMNS: Readonly<Record<CaisoReportRun['report'], string>> = {
  SLD_FCST:
    'INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,' +
    'MARKET_RUN_ID,TAC_AREA_NAME,LABEL,XML_DATA_ITEM,POS,MW,EXECUTION_TYPE,GROUP',
  SLD_REN_FCST:
    'INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,' +
    'TRADING_HUB,RENEWABLE_TYPE,LABEL,XML_DATA_ITEM,MARKET_RUN_ID,MW,GROUP',
  ENE_SLRS:
    'INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,SLRS_TYPE,OPR_DT,OPR_HR,OPR_INTERVAL,' +
    'MARKET_RUN_ID,TAC_ZONE_NAME,SCHEDULE,XML_DATA_ITEM,POS,MW,GROUP',
};

export interface TwinCsv {
  readonly text: string;
  /** Data rows (0: OASIS answers "no data" instead of an empty CSV). */
  readonly rows: number;
}

/** Rows for intervals starting in [fromMs, toMs) that the twin holds. */
export function twinCsv(values: TwinValues, seed: number, run: CaisoReportRun, fromMs: number, toMs: number): TwinCsv {
  const step = intervalMinutes(run) * 60_000;
  const first = Math.max(Math.ceil(fromMs / step) * step, TWIN_FIRST_MS - HOUR_MS);
  const last = Math.min(toMs, TWIN_LAST_MS); // interval starts before the last hour-ending's end
  const series = twinSeries(run);
  const lines: string[] = [];
  // Hour by hour, every series of the hour, so the CISO model computes each hour once.
  for (let hourStart = Math.floor(first / HOUR_MS) * HOUR_MS; hourStart < last; hourStart += HOUR_MS) {
    const stamps: { t: number; head: string }[] = [];
    for (let t = hourStart; t < hourStart + HOUR_MS; t += step)
      if (t >= first && t < last) stamps.push({ t, head: stampsOf(t, step) });
    if (stamps.length === 0) continue;
    for (const s of series) {
      const mw = values.intervalsMw(run, s, hourStart / HOUR_MS + 1);
      for (const { t, head } of stamps) lines.push(line(run, s, head, mw[Math.floor((t - hourStart) / step)] ?? 0));
    }
  }
  shuffle(lines, seed);
  return { text: `${COLUMNS[run.report]}\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`, rows: lines.length };
}

/** `start,end,OPR_DT,OPR_HR,OPR_INTERVAL` of an interval (ENE_SLRS puts SLRS_TYPE after the stamps). */
function stampsOf(t: number, step: number): string {
  const opr = operatingHour(t);
  const interval = step === HOUR_MS ? 0 : Math.floor((t % HOUR_MS) / step) + 1;
  return `${gmt(t)},${gmt(t + step)}|${opr.date},${opr.hour},${interval}`;
}

function line(run: CaisoReportRun, s: TwinSeries, head: string, mw: number): string {
  const [stamps = '', opr = ''] = head.split('|');
  if (run.report === 'SLD_FCST') {
    return (
      `${stamps},${opr},${run.marketRun},${s.respondent},Demand ` +
      `Forecast,${s.xmlItem},3.8,${mw},${run.marketRun === 'RTM' ? 'RTD' : run.marketRun},1`
    );
  }
  if (run.report === 'SLD_REN_FCST')
    return `${stamps},${opr},${s.respondent},${s.part},Renewable Forecast,${s.xmlItem},${run.marketRun},${mw},1`;
  return `${stamps},GEN,${opr},${run.marketRun},${s.respondent},Generation,${s.xmlItem},7,${mw},1`;
}

/** `2023-01-01T00:15:00-00:00`, as the real `*_GMT` columns are written. */
function gmt(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}-00:00`;
}

/** Fisher–Yates with seeded draws: OASIS rows arrive unsorted, the same way for the same query. */
function shuffle(lines: string[], seed: number): void {
  for (let i = lines.length - 1; i > 0; i--) {
    const j = hash4(seed, Stream.caisoShuffle, lines.length, i) % (i + 1);
    const a = lines[i] ?? '';
    lines[i] = lines[j] ?? '';
    lines[j] = a;
  }
}
