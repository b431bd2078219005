// The twin's reply bodies: the data ZIP (one CSV), the XML error documents zipped as
// INVALID_REQUEST.xml (shaped like the recorded one), and the 429 HTML page, word for word.
import { strToU8, zipSync } from 'fflate';
import type { Reply } from '../../sim/delivery.ts';

export const TOO_MANY_REQUESTS_HTML =
  '<html><body><p>CAISO Acceptable Use Policy Violation. Please retry your request after 5 seconds.</p></body></html>';

export const ERR_DESC: Readonly<Record<string, string>> = {
  '1000': 'No data returned for the specified selection',
  '1001': 'Invalid Parameters of the given report name',
  '1002': 'Invalid date format, please use format as specified',
  '1004': 'The date range exceeds the maximum allowed of 31 days',
  '1015': 'GroupZip in processing, please retry later',
};

const ZIP = 'application/x-zip-compressed';

export function zipReply(member: string, text: string, rows: number): Reply {
  // Level 1: the twin's CPU time per reply stays small next to its (time-scaled) latency.
  const body = Buffer.from(zipSync({ [member]: [strToU8(text), { level: 1 }] }));
  return { status: 200, body, contentType: ZIP, headers: {}, rows };
}

/** An OASIS error document; `detail` is appended to the description (e.g. the bad parameter). */
export function errorReply(code: string, detail = ''): Reply {
  const description = `${ERR_DESC[code] ?? 'Error'}${detail ? `: ${detail}` : ''}`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<m:OASISReport xmlns:m="http://www.caiso.com/soa/OASISReport_v1.xsd">
<m:MessageHeader>
\t<m:TimeDate>${new Date().toISOString()}</m:TimeDate>
\t<m:Source>OASIS</m:Source>
\t<m:Version>v20131201</m:Version>
</m:MessageHeader>
<m:MessagePayload>
<m:RTO>
<m:name>CAISO</m:name>
<m:ERROR>
<m:ERR_CODE>${code}</m:ERR_CODE>
<m:ERR_DESC>${description}</m:ERR_DESC>
</m:ERROR>

</m:RTO>
</m:MessagePayload>
</m:OASISReport>
`;
  return zipReply('INVALID_REQUEST.xml', xml, 0);
}

export function throttledReply(): Reply {
  return { status: 429, body: Buffer.from(TOO_MANY_REQUESTS_HTML), contentType: 'text/html', headers: {}, rows: 0 };
}

export function badGatewayReply(status: 502 | 503): Reply {
  return {
    status,
    body: Buffer.from(
      `<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Service Unavailable'}</h1></body></html>`,
    ),
    contentType: 'text/html',
    headers: {},
    rows: 0,
  };
}
