// Response bodies of the simulated server, byte-for-byte in the real API's shapes: the data
// envelope (built as a string, since a 5,000-row page must cost only a few ms) and error bodies.
import { formatSimHour } from './hours.ts';
import type { SimQuery } from './query.ts';
import type { PlanSlot, RowPlan } from './rows.ts';

export const API_VERSION = '2.1.8';
const DATE_FORMAT = JSON.stringify('YYYY-MM-DD"T"HH24');
const INCOMPLETE = JSON.stringify([
  {
    warning: 'incomplete return',
    description:
      'The API can only return 5000 rows in JSON format.  Please consider constraining your query with facets or by ' +
      'using the offset/length parameters.',
  },
]);

/** JSON with every non-ASCII character escaped, so a whole body can be encoded as latin1 (fast). */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The part of a row after the period, up to (and including) `"value":` or the closing brace. */
function rowMiddle(slot: PlanSlot, facet: string, withValue: boolean): string {
  const fields =
    `,"respondent":${JSON.stringify(slot.respondent.code)},"respondent-name":${JSON.stringify(slot.respondent.name)}` +
    `,${JSON.stringify(facet)}:${JSON.stringify(slot.seriesCode)},"type-name":${JSON.stringify(slot.seriesName)}`;
  return withValue ? `${fields},"value":` : `${fields}}`;
}

export interface DataPage {
  readonly body: string;
  readonly rows: number;
}

/** The 200 body for one page of a query; pure ASCII (catalog names are ASCII, echoes are escaped). */
export function dataBody(plan: RowPlan, query: SimQuery): DataPage {
  const route = query.selection.route;
  const middles = new Map<PlanSlot, string>();
  for (const slot of plan.slots) middles.set(slot, rowMiddle(slot, route.seriesFacet, query.withValue));
  let data = '';
  let separator = '';
  let lastHour = Number.NaN;
  let periodHead = '';
  const rows = plan.forEach(query.offset, query.length, (slot, hour, value) => {
    if (hour !== lastHour) {
      lastHour = hour; // rows of one hour are adjacent: format each period once
      periodHead = `{"period":"${formatSimHour(hour)}"`;
    }
    const head = separator + periodHead + (middles.get(slot) ?? '');
    separator = ',';
    if (!query.withValue) data += head;
    else data += `${head}${value === null ? 'null' : `"${value}"`},"value-units":"megawatthours"}`;
  });
  const warnings = query.offset + rows < plan.total ? `,"warnings":${INCOMPLETE}` : '';
  const body =
    `{"response":{"total":"${plan.total}","dateFormat":${DATE_FORMAT},"frequency":"hourly","data":[${data}],` +
    `"description":${JSON.stringify(route.description)}},` +
    `"request":{"command":${JSON.stringify(route.command)},"params":${asciiJson(query.params)}},` +
    `"apiVersion":"${API_VERSION}","ExcelAddInVersion":"2.1.0"${warnings}}`;
  return { body, rows };
}

export interface ErrorReply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const json = (status: number, value: unknown): ErrorReply => ({
  status,
  body: JSON.stringify(value),
  contentType: 'application/json; charset=utf-8',
});

export const replies = {
  keyMissing: (): ErrorReply =>
    json(403, {
      error: { code: 'API_KEY_MISSING', message: 'No api_key was supplied. Get one at https://api.eia.gov:443' },
    }),
  keyInvalid: (): ErrorReply =>
    json(403, {
      error: {
        code: 'API_KEY_INVALID',
        message: 'An invalid api_key was supplied. Get one at https://api.eia.gov:443',
      },
    }),
  overRateLimit: (retryAfter: string): ErrorReply => ({
    ...json(429, {
      error: {
        code: 'OVER_RATE_LIMIT',
        message:
          'You have exceeded your rate limit. Try again later or contact us at https://api.eia.gov:443/contact/ for ' +
          'assistance',
      },
    }),
    headers: { 'retry-after': retryAfter },
  }),
  param: (message: string): ErrorReply => json(400, { error: message, code: 400 }),
  /** The real API answers unknown routes with HTTP 500 and a body that says 404. */
  notFound: (): ErrorReply => json(500, { error: 'Not found.', code: 404 }),
  method: (method: string): ErrorReply => json(405, { error: `Method ${method} is not allowed; use GET.`, code: 405 }),
  badGateway: (): ErrorReply => ({
    status: 502,
    contentType: 'text/html',
    body:
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad ' +
      'Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
  }),
  unavailable: (): ErrorReply =>
    json(503, { error: 'Service temporarily unavailable. Please try again later.', code: 503 }),
};
