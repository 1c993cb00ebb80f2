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
import { closedSchema } from './closed-schema';
import schemaV1 from './referral.v1.schema.json';
import schemaV2 from './referral.v2.schema.json';

// One compiled validator of each kind per process; useDefaults fills empty lists.
// What a partner sends is judged by the closed schemas: an unknown property is refused,
// so nothing Wissel does not read reaches the topic, the raw payload or the message log.
const strictAjv = new Ajv2020({ allErrors: false, useDefaults: true, strict: true });
addFormats(strictAjv, ['date-time', 'uri', 'ipv4', 'ipv6']);
const closedV1 = closedSchema(schemaV1);
const closedV2 = closedSchema(schemaV2);
const validateSentV1 = strictAjv.compile<CanonicalReferral>(closedV1);
const validateSent = strictAjv.compile<CanonicalReferral>(closedV2);
// Documents mapped from other formats are built by Wissel's own code: removeAdditional
// strips what the schema does not name (the partner's own document, in its own format,
// was checked by that format's rules).
const mappedAjv = new Ajv2020({
  allErrors: false,
  removeAdditional: 'all',
  useDefaults: true,
  strict: true,
});
addFormats(mappedAjv, ['date-time', 'uri', 'ipv4', 'ipv6']);
const validateMapped = mappedAjv.compile<CanonicalReferral>(schemaV2);

/** The canonical JSON Schema of the current referral version, as published to partners. */
export const canonicalReferralSchema = closedV2;
/** The JSON Schema of referral v1, still accepted. */
export const canonicalReferralSchemaV1 = closedV1;

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
  // Before the schema: a file hidden in an unknown property is named as what it is.
  const media = mediaBytesField(document);
  if (media) return media;
  const declared = document.schema;
  if (declared === REFERRAL_SCHEMA_V2) {
    if (!validateSent(document)) return schemaViolation(validateSent.errors, REFERRAL_SCHEMA_V2);
    return checkReferral(document);
  }
  if (declared !== REFERRAL_SCHEMA_V1) {
    return reject(
      'unsupported_schema',
      `schema must be "${REFERRAL_SCHEMA_V2}" or "${REFERRAL_SCHEMA_V1}"`,
      '/schema',
    );
  }
  // A valid v1 document is a valid v2 document: only its version changes.
  if (!validateSentV1(document)) {
    return schemaViolation(validateSentV1.errors, REFERRAL_SCHEMA_V1);
  }
  const upgraded: CanonicalReferral = { ...document, schema: REFERRAL_SCHEMA_V2 };
  return checkUrls(upgraded) ?? unstorableField(upgraded) ?? { ok: true, value: upgraded };
}

/**
 * Validates a document that a mapper from another format built as canonical referral v2,
 * so nothing it builds can be less valid than what a partner may send. Strips properties
 * the schema does not name and fills defaults in place.
 */
export function validateCanonicalReferral(document: unknown): ParseResult<CanonicalReferral> {
  // Twice: removeAdditional strips unknown properties while validating, after checks such
  // as minProperties have counted them (`"hashes": {"x": 1}` passed and was left empty;
  // found by fuzzing). The second pass judges what is actually kept.
  if (!validateMapped(document) || !validateMapped(document)) {
    return schemaViolation(validateMapped.errors, REFERRAL_SCHEMA_V2);
  }
  return checkReferral(document);
}

function checkReferral(document: CanonicalReferral): ParseResult<CanonicalReferral> {
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
