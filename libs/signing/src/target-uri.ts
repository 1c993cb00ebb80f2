import { SignatureError } from './errors';

/** The pieces of a target URI that RFC 9421 derived components are made from. */
export interface TargetUri {
  /** The URI without any fragment. */
  targetUri: string;
  scheme: string;
  authority: string;
  path: string;
  query: string;
  /** Path and query as they appear on the request line (origin-form). */
  requestTarget: string;
}

// Split by hand rather than with WHATWG `URL`: RFC 9421 signs path and query as sent,
// before any percent-decoding or dot-segment removal, and `URL` would rewrite both.
const ABSOLUTE_URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/;
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

export function parseTargetUri(url: string): TargetUri {
  const match = ABSOLUTE_URI.exec(url);
  const [, rawScheme, rawAuthority, rawPath, rawQuery] = match ?? [];
  if (!rawScheme || !rawAuthority || rawAuthority.includes('@')) {
    throw new SignatureError(
      'signature_input_invalid',
      'the target URI must be absolute, with a scheme and an authority and no user info',
    );
  }
  if (/[^\x21-\x7e]/.test(url)) {
    throw new SignatureError(
      'signature_input_invalid',
      'the target URI may hold only visible ASCII (percent-encode the rest)',
    );
  }
  const scheme = rawScheme.toLowerCase();
  if (DEFAULT_PORTS[scheme] === undefined) {
    throw new SignatureError('signature_input_invalid', 'the target URI must be http or https');
  }
  const fragmentAt = url.indexOf('#');
  // HTTP semantics: an empty path is "/"; an absent query is "?" (RFC 9421 §2.2.6-7).
  const path = rawPath === undefined || rawPath === '' ? '/' : rawPath;
  return {
    targetUri: fragmentAt === -1 ? url : url.slice(0, fragmentAt),
    scheme,
    authority: normaliseAuthority(rawAuthority, scheme),
    path,
    query: rawQuery ?? '?',
    requestTarget: path + (rawQuery ?? ''),
  };
}

/** Lower-cased host, default port dropped (RFC 9110 §4.2.3, as RFC 9421 §2.2.3 asks). */
function normaliseAuthority(authority: string, scheme: string): string {
  const lower = authority.toLowerCase();
  const portMatch = /^(.*):(\d*)$/.exec(lower);
  if (!portMatch) return lower;
  const [, host = '', port = ''] = portMatch;
  return port === '' || port === DEFAULT_PORTS[scheme] ? host : lower;
}
