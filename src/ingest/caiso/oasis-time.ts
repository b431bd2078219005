// OASIS time formats: `YYYYMMDDTHH:MM-0000` query bounds and the CSVs' `*_GMT` interval stamps.

const QUERY_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2})-0000$/;
const GMT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[-+]00:?00)$/;

/** Epoch ms → `20230101T00:00-0000` (UTC), as OASIS wants `startdatetime` / `enddatetime`. */
export function formatOasisTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 16)}-0000`;
}

/** `20230101T00:00-0000` → epoch ms; undefined when it is not that format or not a real time. */
export function parseOasisTime(text: string): number | undefined {
  const m = QUERY_PATTERN.exec(text);
  return m ? checkedUtc(m) : undefined;
}

/** A `*_GMT` stamp such as `2023-01-01T00:15:00-00:00` → epoch ms; undefined when malformed. */
export function parseGmtStamp(text: string): number | undefined {
  const m = GMT_PATTERN.exec(text);
  return m ? checkedUtc(m) : undefined;
}

function checkedUtc(m: RegExpExecArray): number | undefined {
  const n = (i: number): number => Number(m[i] ?? '0');
  const [y, mo, d, h, mi, s] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : undefined;
}
