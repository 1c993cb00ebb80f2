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
