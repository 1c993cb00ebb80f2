import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  canonicalUrl,
  InvalidUrlError,
  REFERRAL_SCHEMA_V1,
  REFERRAL_SCHEMA_V2,
  type CanonicalReferral,
} from '@wissel/domain';
import { decodeJsonObject } from '../decode-json';
import { reject, type ParseResult } from '../rejection';
import { schemaViolation } from '../schema-violation';
import { unstorableField } from '../unstorable-field';
import { mediaBytesField } from '../media-in-document';
import schemaV1 from './referral.v1.schema.json';
import schemaV2 from './referral.v2.schema.json';

// One compiled validator per process. removeAdditional strips unknown properties from the
// canonical form (the raw payload keeps them); useDefaults fills empty lists.
const ajv = new Ajv2020({
  allErrors: false,
  removeAdditional: 'all',
  useDefaults: true,
  strict: true,
});
addFormats(ajv, ['date-time', 'uri', 'ipv4', 'ipv6']);
const validateV1 = ajv.compile<CanonicalReferral>(schemaV1);
const validate = ajv.compile<CanonicalReferral>(schemaV2);

/** The canonical JSON Schema of the current referral version, as published to partners. */
export const canonicalReferralSchema = schemaV2;
/** The JSON Schema of referral v1, still accepted. */
export const canonicalReferralSchemaV1 = schemaV1;

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
  // Before validation strips what the schema does not name: unknown properties are kept in
  // the raw payload, and Wissel never stores media, wherever it is put.
  const media = mediaBytesField(document);
  if (media) return media;
  const declared = document.schema;
  if (declared === REFERRAL_SCHEMA_V2) return validateCanonicalReferral(document);
  if (declared !== REFERRAL_SCHEMA_V1) {
    return reject(
      'unsupported_schema',
      `schema must be "${REFERRAL_SCHEMA_V2}" or "${REFERRAL_SCHEMA_V1}"`,
      '/schema',
    );
  }
  // Twice, as below. A valid v1 document is a valid v2 document: only its version changes.
  if (!validateV1(document) || !validateV1(document)) {
    return schemaViolation(validateV1.errors, REFERRAL_SCHEMA_V1);
  }
  const upgraded: CanonicalReferral = { ...document, schema: REFERRAL_SCHEMA_V2 };
  return checkUrls(upgraded) ?? unstorableField(upgraded) ?? { ok: true, value: upgraded };
}

/**
 * Validates a document as canonical referral v2. Mappers from other formats end here
 * too, so nothing they build can be less valid than what a partner may send. Strips
 * unknown properties and fills defaults in place.
 */
export function validateCanonicalReferral(document: unknown): ParseResult<CanonicalReferral> {
  // Twice: removeAdditional strips unknown properties while validating, after checks such
  // as minProperties have counted them (`"hashes": {"x": 1}` passed and was left empty;
  // found by fuzzing). The second pass judges what is actually kept.
  if (!validate(document) || !validate(document)) {
    return schemaViolation(validate.errors, REFERRAL_SCHEMA_V2);
  }
  return (
    checkUrls(document) ??
    checkMedia(document) ??
    unstorableField(document) ?? { ok: true, value: document }
  );
}

/** A v2 media item may lack hashes (an assessed item nobody hashed), but not both. */
function checkMedia(referral: CanonicalReferral): ParseResult<never> | undefined {
  const index = referral.media.findIndex(
    (m) => Object.keys(m.hashes).length === 0 && m.classification === undefined,
  );
  if (index < 0) return undefined;
  return reject(
    'schema_violation',
    'a media item needs at least one hash or a classification',
    `/media/${index}`,
  );
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
