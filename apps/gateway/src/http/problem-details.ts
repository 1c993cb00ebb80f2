import { randomUUID } from 'node:crypto';
import { type PartnerApiError, type PartnerApiErrorKind } from '@wissel/pipeline';

/** An RFC 9457 problem details object, plus Wissel's stable `code`. */
export interface ProblemDetails {
  /** `urn:wissel:problem:<code>`: stable, and names no host Wissel may not own. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** `urn:uuid:…` naming this occurrence; the gateway logs it, so quote it to the operators. */
  instance: string;
  code: string;
  /** JSON Pointer into the body, or a query parameter's name. */
  field?: string;
  /** The machine reason under the code (e.g. the parser's rejection code). */
  reason?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const problemType = (code: string) => `urn:wissel:problem:${code}`;

export const STATUS_OF: Record<PartnerApiErrorKind, number> = {
  malformed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  invalid: 422,
  rate_limited: 429,
  unavailable: 503,
};

const TITLE_OF: Record<PartnerApiErrorKind, string> = {
  malformed: 'Malformed request',
  unauthenticated: 'Not authenticated',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported media type',
  invalid: 'Invalid referral',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
};

export function problemOf(error: PartnerApiError): ProblemDetails {
  return {
    type: problemType(error.code),
    title: TITLE_OF[error.kind],
    status: STATUS_OF[error.kind],
    detail: error.detail,
    instance: `urn:uuid:${randomUUID()}`,
    code: error.code,
    ...(error.extras.field === undefined ? {} : { field: error.extras.field }),
    ...(error.extras.reason === undefined ? {} : { reason: error.extras.reason }),
  };
}

/** For statuses Nest raises itself (an unknown route, a wrong method). */
export function problemOfStatus(status: number, detail: string): ProblemDetails {
  const code =
    status === 404
      ? 'not_found'
      : status === 405
        ? 'method_not_allowed'
        : status < 500
          ? 'malformed_request'
          : 'internal_error';
  return {
    type: problemType(code),
    title: code === 'internal_error' ? 'Internal error' : 'Request refused',
    status,
    detail,
    instance: `urn:uuid:${randomUUID()}`,
    code,
  };
}
