import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  canonicalUrl,
  InvalidUrlError,
  REFERRAL_SCHEMA_V1,
  type CanonicalReferral,
} from '@wissel/domain';
import { decodeJsonObject } from '../decode-json';
import { reject, type ParseResult } from '../rejection';
import { schemaViolation } from '../schema-violation';
import schema from './referral.v1.schema.json';

// One compiled validator per process. removeAdditional strips unknown properties from the
// canonical form (the raw payload keeps them); useDefaults fills empty lists.
const ajv = new Ajv2020({
  allErrors: false,
  removeAdditional: 'all',
  useDefaults: true,
  strict: true,
});
addFormats(ajv, ['date-time', 'uri', 'ipv4', 'ipv6']);
const validate = ajv.compile<CanonicalReferral>(schema);

/** The canonical JSON Schema of referral v1, as published to partners. */
export const canonicalReferralSchema = schema;

/**
 * Parses one canonical referral message. Any input gives a referral or a rejection,
 * never an exception.
 */
export function parseCanonicalReferral(
  payload: Buffer | null,
  maxBytes: number,
): ParseResult<CanonicalReferral> {
  const json = decodeJsonObject(payload, maxBytes);
  if (!json.ok) return json;
  const document = json.value;
  const declared = document.schema;
  if (declared !== REFERRAL_SCHEMA_V1) {
    return reject('unsupported_schema', `schema must be "${REFERRAL_SCHEMA_V1}"`, '/schema');
  }
  return validateCanonicalReferral(document);
}

/**
 * Validates a document as canonical referral v1. Mappers from other formats end here
 * too, so nothing they build can be less valid than what a partner may send. Strips
 * unknown properties and fills defaults in place.
 */
export function validateCanonicalReferral(document: unknown): ParseResult<CanonicalReferral> {
  if (!validate(document)) {
    return schemaViolation(validate.errors, 'wissel.referral/1');
  }
  return checkUrls(document) ?? { ok: true, value: document };
}

/**
 * The schema's URL pattern is a first filter; every URL must also have a canonical form
 * (a host that is a host, a port that is a port…), or de-duplication could not key it.
 */
function checkUrls(referral: CanonicalReferral): ParseResult<never> | undefined {
  for (const [i, locator] of referral.locators.entries()) {
    const urls: Array<[string, string | undefined]> = [
      [`/locators/${i}/url`, locator.url],
      [`/locators/${i}/parentUrl`, locator.parentUrl],
      ...(locator.accessPath ?? []).map((u, j): [string, string] => [
        `/locators/${i}/accessPath/${j}`,
        u,
      ]),
    ];
    for (const [field, url] of urls) {
      if (url === undefined) continue;
      try {
        canonicalUrl(url);
      } catch (error) {
        const reason = error instanceof InvalidUrlError ? error.reason : 'unparseable';
        return reject('schema_violation', `is not a usable http(s) URL (${reason})`, field);
      }
    }
  }
  return undefined;
}
