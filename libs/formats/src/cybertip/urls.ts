import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { canonicalUrl } from '@wissel/domain';
import schemaV2 from '../canonical/referral.v2.schema.json';

/**
 * NCMEC's schema types every URL as a plain string, and providers often send
 * "www.host.example/page" without a scheme. Such a URL is read as http:// (the scheme a
 * browser would assume) and the referral says so in a tag; a URL that still has no
 * canonical form is left out, with a tag naming the element, instead of refusing the
 * whole report.
 */

/** Tag on a referral whose URL at `field` had no scheme and was read as http://. */
export const schemeAssumedTag = (field: string) => `wissel:url-scheme-assumed:${field}`;
/** Tag on a referral whose URL at `field` was left out: it has no usable http(s) form. */
export const urlDroppedTag = (field: string) => `wissel:url-dropped:${field}`;

// The canonical schema's own URL rule, so a URL kept here is one the validator keeps too.
const ajv = new Ajv2020({ strict: false });
addFormats(ajv, ['uri']);
const isCanonicalUrl = ajv.compile<string>(schemaV2.$defs.url);

const HAS_AUTHORITY_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
// "javascript:…", "mailto:…": a scheme without "//". "host.example:8080/x" is not one:
// what follows its colon is a port.
const HAS_OTHER_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])/;

export type UrlReading = { ok: true; url: string; schemeAssumed: boolean } | { ok: false };

/** The URL as a locator may hold it, or not usable. */
export function readUrl(raw: string): UrlReading {
  const schemeAssumed = !HAS_AUTHORITY_SCHEME.test(raw) && !HAS_OTHER_SCHEME.test(raw);
  const url = schemeAssumed ? `http://${raw.replace(/^\/\//, '')}` : raw;
  return usable(url) ? { ok: true, url, schemeAssumed } : { ok: false };
}

function usable(url: string): boolean {
  if (!isCanonicalUrl(url)) return false;
  try {
    canonicalUrl(url);
    return true;
  } catch {
    return false;
  }
}

/** The canonical form for comparing two URLs, or undefined. */
export function comparable(raw: string): string | undefined {
  const reading = readUrl(raw);
  if (!reading.ok) return undefined;
  try {
    return canonicalUrl(reading.url);
  } catch {
    return undefined;
  }
}
