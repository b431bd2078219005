// An OASIS SingleZip reply body: a ZIP holding one CSV (the data) or one XML error document
// (`INVALID_REQUEST.xml` with ERR_CODE / ERR_DESC). Unzipped with fflate.
import { strFromU8, unzipSync } from 'fflate';

export type OasisPayload =
  | { readonly kind: 'csv'; readonly member: string; readonly text: string }
  | { readonly kind: 'error'; readonly member: string; readonly errCode: string; readonly description: string };

/** Thrown when the bytes are not a complete ZIP of one CSV or XML member (a cut reply). */
export class PayloadError extends Error {}

export function readPayload(body: Uint8Array): OasisPayload {
  // Some gateways answer errors with the bare XML document; accept it as the ZIP's member would be.
  if (startsWithXml(body)) return xmlPayload('(unzipped body)', strFromU8(body));
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(body);
  } catch (cause) {
    throw new PayloadError(
      `not a complete ZIP (${body.length} bytes): ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  const names = Object.keys(members);
  const name = names.find((n) => /\.(csv|xml)$/i.test(n));
  const bytes = name === undefined ? undefined : members[name];
  if (name === undefined || bytes === undefined)
    throw new PayloadError(`ZIP holds no CSV or XML member (members: ${names.join(', ') || 'none'})`);
  const text = strFromU8(bytes);
  return /\.xml$/i.test(name) ? xmlPayload(name, text) : { kind: 'csv', member: name, text };
}

function startsWithXml(body: Uint8Array): boolean {
  return body.length >= 5 && strFromU8(body.subarray(0, 5)) === '<?xml';
}

/** ERR_CODE / ERR_DESC of an OASISReport error (namespace prefix `m:` or none). */
function xmlPayload(member: string, text: string): OasisPayload {
  const code = /<(?:\w+:)?ERR_CODE>\s*([^<]*?)\s*<\//.exec(text)?.[1];
  if (code === undefined) throw new PayloadError(`${member}: XML without an ERR_CODE element`);
  const description = /<(?:\w+:)?ERR_DESC>\s*([^<]*?)\s*<\//.exec(text)?.[1] ?? '';
  return { kind: 'error', member, errCode: code, description };
}
