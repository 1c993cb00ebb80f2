import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type CanonicalReferral } from '@wissel/domain';
import { validateCanonicalReferral } from '../canonical/parse-canonical';
import { decodeJsonObject } from '../decode-json';
import { mediaBytesField } from '../media-in-document';
import { type ParseResult } from '../rejection';
import { schemaViolation } from '../schema-violation';
import { type IccamReport } from './iccam-report';
import schema from './iccam-report.v3.schema.json';
import { iccamToCanonical } from './map-iccam';

// Union types: ICCAM writes null for what it does not know. No removeAdditional: the
// report is only read, never changed.
const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
addFormats(ajv, ['date-time', 'uri', 'ipv4', 'ipv6']);
const validate = ajv.compile<IccamReport>(schema);

/** The JSON Schema of the ICCAM v3 report subset Wissel reads, as published to senders. */
export const iccamReportSchema = schema;

/**
 * Parses one ICCAM v3 report (with its content items inlined) into a canonical referral.
 * Any input gives a referral or a rejection, never an exception.
 */
export function parseIccamReport(
  payload: Buffer | null,
  maxBytes: number,
): ParseResult<CanonicalReferral> {
  const json = decodeJsonObject(payload, maxBytes);
  if (!json.ok) return json;
  const document = json.value;
  if (!validate(document)) return schemaViolation(validate.errors, 'ICCAM v3 report');
  // ICCAM adds fields Wissel does not read: the whole report is searched, not the known fields.
  return mediaBytesField(document) ?? validateCanonicalReferral(iccamToCanonical(document));
}
