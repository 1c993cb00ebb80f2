/**
 * Legacy GeoIP pseudo-codes that look like countries but never are one: A1 anonymous
 * proxy, A2 satellite provider, O1 other, EU and AP continent-level guesses.
 */
export const PSEUDO_COUNTRY_CODES: ReadonlySet<string> = new Set(['A1', 'A2', 'O1', 'EU', 'AP']);

/**
 * Codes that senders and data sets put where a country goes to say "not known": the GeoIP
 * pseudo-codes above, and XX and ZZ (unknown). Where one is found the location is unknown,
 * and routing says so instead of guessing.
 */
export const UNKNOWN_COUNTRY_CODES: ReadonlySet<string> = new Set([
  ...PSEUDO_COUNTRY_CODES,
  'XX',
  'ZZ',
]);

/** The upper-cased code when `value` is one of the UNKNOWN_COUNTRY_CODES, else undefined. */
export function pseudoCountry(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim().toUpperCase();
  return UNKNOWN_COUNTRY_CODES.has(code) ? code : undefined;
}

/**
 * Officially assigned ISO 3166-1 alpha-2 codes. Everything else is never a country: the
 * pseudo codes above, ZZ and every other user-assigned code (AA, QM–QZ, XA–XZ), and codes no
 * longer assigned (AN Netherlands Antilles, which old RIR records still carry, is three
 * countries since 2010). The one exception is XK: Kosovo is a user-assigned code, but a real
 * jurisdiction with its own police, and MaxMind and the EU use it.
 */
const ASSIGNED =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ ' +
  'BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM ' +
  'DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS ' +
  'GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN ' +
  'KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ ' +
  'MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
  'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV ' +
  'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI ' +
  'VN VU WF WS YE YT ZA ZM ZW';

const COUNTRIES: ReadonlySet<string> = new Set([...ASSIGNED.split(' '), 'XK']);

/** An ISO 3166-1 alpha-2 code, upper-cased; undefined for anything that is not a country. */
export function toCountry(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const raw = value.trim();
  // Check the letters before upper-casing: 'ß'.toUpperCase() is 'SS'.
  if (!/^[A-Za-z]{2}$/.test(raw)) return undefined;
  const code = raw.toUpperCase();
  return COUNTRIES.has(code) ? code : undefined;
}
