/**
 * Why an inbound message was not accepted. A partner must be able to act on it: `code`
 * is stable and machine-readable, `field` points into the payload (JSON Pointer), and
 * `detail` says what was wrong in words. Never echoes the offending value: it may be a
 * reported URL or personal data.
 */
export type RejectionCode =
  | 'payload_empty'
  | 'payload_too_large'
  | 'invalid_encoding'
  | 'invalid_json'
  | 'invalid_xml'
  | 'forbidden_xml_construct'
  | 'document_too_deep'
  | 'unsupported_schema'
  | 'schema_violation'
  | 'unknown_property'
  | 'media_bytes_forbidden';

export interface Rejection {
  code: RejectionCode;
  field?: string;
  detail: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

export const reject = (
  code: RejectionCode,
  detail: string,
  field?: string,
): ParseResult<never> => ({
  ok: false,
  rejection: field === undefined ? { code, detail } : { code, field, detail },
});
