/**
 * Legacy GeoIP pseudo-codes that look like countries but never are one: A1 anonymous
 * proxy, A2 satellite provider, O1 other, EU and AP continent-level guesses.
 */
export const PSEUDO_COUNTRY_CODES: ReadonlySet<string> = new Set(['A1', 'A2', 'O1', 'EU', 'AP']);

/** An ISO 3166-1 alpha-2 code, upper-cased; undefined for anything that is not a country. */
export function toCountry(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const raw = value.trim();
  // Check the letters before upper-casing: 'ß'.toUpperCase() is 'SS'.
  if (!/^[A-Za-z]{2}$/.test(raw)) return undefined;
  const code = raw.toUpperCase();
  return PSEUDO_COUNTRY_CODES.has(code) ? undefined : code;
}
