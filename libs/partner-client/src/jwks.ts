import { Jwks } from './wissel-message';

/** Where Wissel publishes its public keys, relative to its base URL. */
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * The JWKS URL for a Wissel base URL; a URL that already names a `.json` document is used
 * as it is, so an operator can point at a mirror.
 */
export function jwksUrl(baseOrJwksUrl: string): string {
  const url = new URL(baseOrJwksUrl);
  if (url.pathname.endsWith('.json')) return url.href;
  return new URL(url.href.replace(/\/+$/, '') + JWKS_PATH).href;
}

/** Fetches Wissel's public keys and checks the answer is a key set. */
export async function fetchJwks(
  baseUrl: string,
  options: { fetch?: typeof fetch } = {},
): Promise<Jwks> {
  const url = jwksUrl(baseUrl);
  const response = await (options.fetch ?? fetch)(url, {
    headers: { accept: 'application/jwk-set+json, application/json' },
  });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return parseJwks(await response.text(), url);
}

/** Parses JWKS text (from a URL or a file) and checks it has a `keys` array. */
export function parseJwks(text: string, source: string): Jwks {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'object' && key !== null)) {
    throw new Error(`${source} is not a JWK set: it needs a "keys" array of objects`);
  }
  return { keys } as Jwks;
}
