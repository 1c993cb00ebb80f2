import { isIP } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { PSEUDO_COUNTRY_CODES } from '@wissel/domain';
import { type ParseResult } from '../rejection';
import { text } from './xml-tree';

/**
 * Small readers shared by the CyberTipline mappers. Values the canonical validator would
 * refuse are dropped here when they are optional signals (an IP, a time, a country), so
 * one unusable detail never costs the whole report.
 */

// The same formats as the canonical schema, so a value kept here is never one that the
// canonical validator then refuses.
const formats = new Ajv2020({ strict: true });
addFormats(formats, ['date-time', 'ipv4', 'ipv6']);
const isTimestamp = formats.compile<string>({ type: 'string', format: 'date-time' });
const isIpFormat = formats.compile<string>({
  anyOf: [
    { type: 'string', format: 'ipv4' },
    { type: 'string', format: 'ipv6' },
  ],
});

/** Only timestamps with a time zone: a local time cannot be placed on the timeline. */
export function timestampOf(value: string | undefined): string | undefined {
  return value !== undefined && isTimestamp(value) ? value : undefined;
}

/**
 * xs:dateTime's lexical form (the time zone is optional there). Checked for the elements
 * the XSD requires, so an accepted report is one NCMEC's schema accepts too.
 */
export function isXsdDateTime(value: string): boolean {
  return /^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/.test(
    value,
  );
}

/** xs:boolean: true, false, 1, 0; anything else is no answer. */
export function booleanOf(value: string | undefined): boolean | undefined {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

/** xs:long as NCMEC's report ids use it: digits only, at most 19. */
export function isXsdLong(value: string): boolean {
  return /^[0-9]{1,19}$/.test(value) && BigInt(value) <= 9_223_372_036_854_775_807n;
}

/**
 * An ISO 3166-1 alpha-2 code, upper-cased, or undefined. The legacy pseudo-codes are
 * never a country. ASCII is checked before upper-casing: "ß" upper-cases to "SS".
 */
export function countryOf(value: string | undefined): string | undefined {
  if (value === undefined || !/^[A-Za-z]{2}$/.test(value)) return undefined;
  const code = value.toUpperCase();
  return PSEUDO_COUNTRY_CODES.has(code) ? undefined : code;
}

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0 && isIpFormat(value);
}

export function textsOf(nodes: unknown[]): string[] {
  return nodes.map(text).filter(isDefined);
}

export function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Drops undefined fields and empty lists: the canonical schema refuses the former. */
export function compact<T extends object>(value: T): T {
  const kept = Object.entries(value).filter(
    ([, field]) => field !== undefined && !(Array.isArray(field) && field.length === 0),
  );
  return Object.fromEntries(kept) as T;
}

/** The first rejection among lazily computed checks, if any. */
export function firstRejection(
  checks: Array<() => ParseResult<never> | undefined>,
): ParseResult<never> | undefined {
  for (const check of checks) {
    const found = check();
    if (found) return found;
  }
  return undefined;
}
