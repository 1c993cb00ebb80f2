/**
 * Every way a signed request can be refused, as a stable code a partner can act on. The
 * gateway maps these to `application/problem+json`; docs and OpenAPI enumerate this list.
 */
export const SIGNATURE_ERROR_CODES = [
  'signature_missing',
  'signature_input_invalid',
  'signature_label_unknown',
  'component_not_covered',
  'param_missing',
  'alg_unsupported',
  'alg_mismatch',
  'key_unknown',
  'key_revoked',
  'created_in_future',
  'signature_expired',
  'signature_invalid',
  'digest_missing',
  'digest_invalid',
  'digest_alg_unsupported',
  'digest_mismatch',
] as const;

export type SignatureErrorCode = (typeof SIGNATURE_ERROR_CODES)[number];

/** A refused signature or digest. `detail` is written for the partner's engineers. */
export class SignatureError extends Error {
  constructor(
    readonly code: SignatureErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'SignatureError';
  }
}
