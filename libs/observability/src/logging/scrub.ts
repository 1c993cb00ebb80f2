// What must never reach a log line in clear, wherever it hides in free text (an error
// message, a library's detail): URLs, e-mail addresses and IP addresses.
const URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
const WWW = /\bwww\.[^\s"'<>]+/gi;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
// Two or more colon-separated hex groups with a :: or at least six groups: not times (12:30:00).
const IPV6 =
  /\b(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?=$|[^0-9a-z:])|\b[0-9a-f]{0,4}::(?:[0-9a-f]{1,4}:?){0,6}/gi;

/** `text` with URLs, e-mail addresses and IP addresses replaced by a marker. */
export function scrub(text: string): string {
  return text
    .replace(URL, '[url]')
    .replace(WWW, '[url]')
    .replace(EMAIL, '[email]')
    .replace(IPV4, '[ip]')
    .replace(IPV6, (match) => (/[0-9a-f]:|::/i.test(match) && match.length > 3 ? '[ip]' : match));
}

interface SerializedError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
}

/**
 * Errors as pino logs them, scrubbed: a database error quotes the query's parameters, a
 * DNS error the reported host's address, an HTTP client error the URL it called.
 */
export function serializeError(value: unknown): unknown {
  if (typeof value === 'string') return scrub(value);
  if (!(value instanceof Error)) return value;
  const out: SerializedError = { type: value.name, message: scrub(value.message) };
  const code = (value as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (value.stack) out.stack = scrub(value.stack);
  return out;
}
