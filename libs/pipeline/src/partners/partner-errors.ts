import { DomainError } from '@wissel/domain';

/**
 * What kind of refusal an error is; the gateway maps each kind to one HTTP status, so the
 * use cases stay free of HTTP.
 */
export type PartnerApiErrorKind =
  | 'malformed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'invalid'
  | 'rate_limited'
  | 'unavailable';

/**
 * A refusal a partner or operator can act on: a stable snake_case `code`, a `detail` for
 * their engineers, and where useful the JSON Pointer `field` and a machine `reason`.
 * Never carries a reported URL or personal data.
 */
export abstract class PartnerApiError extends DomainError {
  abstract readonly kind: PartnerApiErrorKind;

  constructor(
    readonly code: string,
    readonly detail: string,
    readonly extras: { field?: string; reason?: string; retryAfterSeconds?: number } = {},
  ) {
    super(detail);
  }
}

export class MalformedRequestError extends PartnerApiError {
  readonly kind = 'malformed';
}
export class NotAuthenticatedError extends PartnerApiError {
  readonly kind = 'unauthenticated';
}

/**
 * Refusals that would tell a caller Wissel has not authenticated whether a key id exists,
 * is revoked or belongs to a suspended partner, or which check failed after the key was
 * found. They all answer as one (`signature_invalid`, UNIFORM_SIGNATURE_DETAIL).
 */
export const CONCEALED_SIGNATURE_REASONS = [
  'key_unknown',
  'key_revoked',
  'alg_mismatch',
  'signature_invalid',
  'partner_suspended',
] as const;
export type ConcealedSignatureReason = (typeof CONCEALED_SIGNATURE_REASONS)[number];

export const UNIFORM_SIGNATURE_DETAIL =
  'the signature does not verify with an active key of an active partner; check the signature base, the key id and the key';

const MAX_LOGGED_KEY_ID = 128;

/**
 * A concealed refusal: the caller sees only `signature_invalid` and the fixed detail; the
 * real reason, the key id named and its partner (if any) are for the log and the metric.
 */
export class SignatureRefusedError extends NotAuthenticatedError {
  readonly keyId?: string;

  constructor(
    readonly concealedReason: ConcealedSignatureReason,
    keyId?: string,
    readonly partnerId?: string,
  ) {
    super('signature_invalid', UNIFORM_SIGNATURE_DETAIL);
    // The key id is the caller's text: bounded before it reaches a log line.
    this.keyId = keyId?.slice(0, MAX_LOGGED_KEY_ID);
  }
}

export class ForbiddenError extends PartnerApiError {
  readonly kind = 'forbidden';
}
export class NotFoundError extends PartnerApiError {
  readonly kind = 'not_found';
}
export class ConflictError extends PartnerApiError {
  readonly kind = 'conflict';
}
export class BodyTooLargeError extends PartnerApiError {
  readonly kind = 'too_large';
}
export class UnsupportedMediaTypeError extends PartnerApiError {
  readonly kind = 'unsupported_media_type';
}
export class InvalidReferralError extends PartnerApiError {
  readonly kind = 'invalid';
}
export class RateLimitedError extends PartnerApiError {
  readonly kind = 'rate_limited';
}
/** A dependency (database, Kafka) is down: nothing was accepted; retry later. */
export class DependencyUnavailableError extends PartnerApiError {
  readonly kind = 'unavailable';
}
