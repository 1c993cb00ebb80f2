import { createHash } from 'node:crypto';
import { DomainError } from '../errors';

/**
 * URL canonicalisation for de-duplication. Two reports of the same URL, written
 * differently, get the same key; two different URLs never do. Pure string work: the URL
 * is parsed (WHATWG `URL`, as a browser would) and never fetched or resolved.
 *
 * The canonical form is `scheme://host[:port]path[?query]`:
 * - scheme: `http` or `https` only, lower-cased;
 * - host: lower-cased, IDN labels as punycode A-labels (UTS 46, as browsers do, so
 *   full-width letters, `。` and soft hyphens map like a browser maps them), one trailing
 *   dot removed; percent-encoded host characters are decoded (`%65xample` is `example`);
 *   IPv4 hosts in any WHATWG notation (`0x7f.1`, `2130706433`) become dotted decimal;
 *   IPv6 hosts are compressed and lower-cased, in brackets;
 * - port: dropped when it is the scheme's default (80, 443), leading zeros removed;
 * - path: dot segments removed (RFC 3986 5.2.4), including percent-encoded ones
 *   (`%2e`, `.%2E`, `%2e%2e`), as browsers do: `/a/%2e%2e/b` is `/b`; an empty path
 *   is `/`; otherwise kept exactly, case and empty segments (`//`) included;
 * - query: kept exactly (no sorting, no case change); an empty query (`/x?`) is the
 *   same as no query;
 * - fragment: dropped;
 * - in path and query, an escape of an unreserved character (ALPHA DIGIT - . _ ~) is
 *   decoded (`%7E` is `~`, `%41` is `A`) and every other escape gets upper-case hex
 *   (`%2f` is `%2F`); characters a browser percent-encodes before sending (non-ASCII as
 *   UTF-8, `"`, `<`, `>`, `` ` ``, `{`, `}` in the path, `'` in the query…) are encoded
 *   the way it does, so they equal their escapes.
 *
 * Refused (InvalidUrlError): anything but an absolute `http://` or `https://` URL with
 * exactly two slashes and a host; credentials (any `@` in the authority, even empty);
 * control characters (C0, DEL, C1), Unicode format characters (bidi controls,
 * zero-width characters, soft hyphen…), whitespace anywhere (including leading and
 * trailing: the WHATWG parser would silently strip or drop it, and such input is hostile
 * or broken), lone UTF-16 surrogates (the parser would make them U+FFFD), backslashes
 * (the parser reads them as `/`, other parsers as part of a user name), a host with an
 * empty label (`a..b`, `.a`, `a..`), input or canonical form over 4096 characters, and
 * whatever the WHATWG parser refuses (bad port, bad IPv4, forbidden host characters).
 * A stray `%` (not followed by two hex digits) is kept as it is; an escape right after
 * one that would decode to a hex digit is left encoded, so that decoding never forms a
 * new escape (`%%41` stays `%%41`, it does not become `%A`).
 */

/** Longest input, and longest canonical form, accepted (characters). */
export const MAX_URL_LENGTH = 4096;

export type InvalidUrlReason =
  | 'not_a_string'
  | 'too_long'
  | 'forbidden_character'
  | 'not_http'
  | 'credentials'
  | 'unparseable'
  | 'invalid_host'
  | 'unstable';

/**
 * Input that is not an absolute http(s) URL Wissel accepts. The message and details
 * never contain the URL: it may locate abuse material.
 */
export class InvalidUrlError extends DomainError {
  readonly code = 'invalid_url';

  constructor(
    readonly reason: InvalidUrlReason,
    message: string,
  ) {
    super(message, { reason });
  }
}

/** The canonical form of an absolute http(s) URL; throws InvalidUrlError otherwise. */
export function canonicalUrl(input: string): string {
  const once = canonicalise(input);
  // The canonical form must be its own canonical form. That holds by construction; the
  // check turns any parser oddity we did not foresee into a refusal, not a split key.
  if (canonicalise(once) !== once) {
    throw new InvalidUrlError('unstable', 'the URL has no stable canonical form');
  }
  return once;
}

/** Hex SHA-256 of the canonical URL: safe to log and to index. */
export function urlKey(input: string): string {
  return createHash('sha256').update(canonicalUrl(input), 'utf8').digest('hex');
}

// C0, DEL, C1 (Cc), format characters (Cf), separators (Z), whitespace, lone surrogates,
// backslash.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Z}\s\p{Cs}\\]/u;
const HTTP_PREFIX = /^https?:\/\/(?!\/)/i;
const AUTHORITY_END = /[/?#]/;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const HEX_DIGIT = /^[0-9A-Fa-f]$/;
const ESCAPE_HEX = /^[0-9A-Fa-f]{2}$/;

function canonicalise(input: string): string {
  if (typeof input !== 'string') {
    throw new InvalidUrlError('not_a_string', 'the URL is not a string');
  }
  if (input.length > MAX_URL_LENGTH) {
    throw new InvalidUrlError('too_long', `the URL is longer than ${MAX_URL_LENGTH} characters`);
  }
  if (FORBIDDEN.test(input)) {
    throw new InvalidUrlError(
      'forbidden_character',
      'the URL contains whitespace, a control character or a backslash',
    );
  }
  const prefix = HTTP_PREFIX.exec(input);
  if (!prefix) {
    throw new InvalidUrlError('not_http', 'the URL is not an absolute http or https URL');
  }
  // The WHATWG parser silently drops an empty user info ("http://@host"): look at the text.
  const rest = input.slice(prefix[0].length);
  const end = rest.search(AUTHORITY_END);
  const authority = end < 0 ? rest : rest.slice(0, end);
  if (authority.includes('@')) {
    throw new InvalidUrlError('credentials', 'the URL contains credentials');
  }

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidUrlError('unparseable', 'the URL cannot be parsed');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidUrlError('not_http', 'the URL is not an absolute http or https URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidUrlError('credentials', 'the URL contains credentials');
  }

  const host = canonicalHost(url.hostname);
  const port = url.port === '' ? '' : `:${url.port}`;
  const path = removeDotSegments(normaliseEscapes(url.pathname));
  // `search` is '' both for no query and for an empty one ("?"): they are the same here.
  const query = normaliseEscapes(url.search);
  return `${url.protocol}//${host}${port}${path}${query}`;
}

/** The parser's host, without a trailing dot; refuses empty labels. */
function canonicalHost(hostname: string): string {
  if (hostname.startsWith('[')) return hostname; // IPv6, already canonical.
  const host = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (host === '' || host.split('.').includes('')) {
    throw new InvalidUrlError('invalid_host', 'the URL host has an empty label');
  }
  return host;
}

/**
 * RFC 3986 5.2.4 on an absolute path whose escapes are normalised (so "%2e" is "."). The
 * WHATWG parser has done it already, but Node 20's parser (ada 2.9) leaves some in place
 * after a segment that starts with a dot ("/b/.a/./" stays as it is; ada-url/ada#935).
 */
function removeDotSegments(path: string): string {
  const segments = path.split('/').slice(1);
  const output: string[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '..') output.pop();
    else if (segment !== '.') output.push(segment);
    if (last && (segment === '.' || segment === '..')) output.push('');
  });
  return `/${output.join('/')}`;
}

/**
 * Decodes escapes of unreserved characters and upper-cases the hex of all others. A
 * stray `%` is kept; an escape that would decode to a hex digit is not decoded right
 * after a stray `%` (or a stray `%` and one hex digit), so that no new escape appears.
 */
function normaliseEscapes(part: string): string {
  if (!part.includes('%')) return part;
  let out = '';
  let stray = -1; // index in `out` of the last stray '%'
  let i = 0;
  while (i < part.length) {
    const char = part[i];
    if (char !== '%') {
      out += char;
      i += 1;
      continue;
    }
    const hex = part.slice(i + 1, i + 3);
    if (!ESCAPE_HEX.test(hex)) {
      stray = out.length;
      out += '%';
      i += 1;
      continue;
    }
    const decoded = String.fromCharCode(parseInt(hex, 16));
    const sinceStray = stray < 0 ? -1 : out.length - stray;
    const wouldFormEscape =
      HEX_DIGIT.test(decoded) &&
      (sinceStray === 1 || (sinceStray === 2 && HEX_DIGIT.test(out[stray + 1])));
    out += UNRESERVED.test(decoded) && !wouldFormEscape ? decoded : `%${hex.toUpperCase()}`;
    i += 3;
  }
  return out;
}
