// Keeps the API key out of everything we print or store: URLs, messages and echoed params.

const REDACTED = 'REDACTED';

/** Replaces the `api_key` query value in any URL-looking text, plus every literal occurrence of `key`. */
export function redactText(text: string, key?: string): string {
  let out = text.replace(/(api_key=)[^&\s"']*/gi, `$1${REDACTED}`);
  if (key && key.length > 0) out = out.split(key).join(REDACTED);
  return out;
}

/** The request URL as it may be shown to people: the key replaced. */
export function redactUrl(url: URL | string): string {
  const u = new URL(String(url));
  if (u.searchParams.has('api_key')) u.searchParams.set('api_key', REDACTED);
  return u.toString();
}

/** Returns `request.params` of an envelope with `api_key` replaced, so it can be logged or kept. */
export function redactParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...params };
  if ('api_key' in copy) copy['api_key'] = REDACTED;
  return copy;
}
