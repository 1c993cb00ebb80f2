import { type RecipientKind } from '@wissel/domain';
import { type RejectionCode } from '@wissel/formats';
import { type CaseLayer } from '@wissel/persistence';
import { SIGNATURE_ERROR_CODES } from '@wissel/signing';

/**
 * Every label value a Wissel metric may take, as fixed lists. A value outside its list is
 * counted as `other`, so no partner-supplied string, URL, host or id can ever become a
 * time series. The compile-time checks below fail when a code list grows elsewhere.
 */
export const OTHER = 'other';

export const FORMATS = ['canonical', 'cybertip', 'xarf', 'iccam'] as const;

/** source_id: the (system, id) pair was stored before; the rest are case layers (docs/dedup.md). */
export const DEDUP_LAYERS = ['source_id', 'url', 'media_hash', 'pdq', 'reupload'] as const;

export const DEAD_LETTER_REASONS = [
  'payload_empty',
  'payload_too_large',
  'invalid_encoding',
  'invalid_json',
  'invalid_xml',
  'forbidden_xml_construct',
  'document_too_deep',
  'unsupported_schema',
  'schema_violation',
  'unknown_property',
  'media_bytes_forbidden',
  'storage_rejected',
  'source_system_not_owned',
  'processing_failed',
] as const;

/** Intake stages timed per batch; `batch` is the whole of one batch. */
export const STAGES = [
  'parse',
  'classify',
  'trace',
  'decide',
  'store',
  'dead_letter',
  'batch',
] as const;

export const RECIPIENT_KINDS = [
  'domestic_police',
  'national_hotline',
  'authority',
  'partner_hotline',
  'partner_police',
  'international_police',
  'review',
] as const;

/**
 * Why the gateway refused a signed request: the real reason, also where the answer gives one
 * code for several (docs/partner-api.md).
 */
export const SIGNATURE_FAILURE_CODES = [
  ...SIGNATURE_ERROR_CODES,
  'nonce_replayed',
  'partner_suspended',
] as const;

export const SUBMISSION_OUTCOMES = ['accepted', 'duplicate'] as const;

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export const OUTBOX_LANES = ['normal', 'urgent'] as const;

/** `value` if it is one of `allowed`, else `other`. */
export function bounded<T extends string>(allowed: readonly T[], value: string): T | typeof OTHER {
  return (allowed as readonly string[]).includes(value) ? (value as T) : OTHER;
}

/** An ISO 3166-1 alpha-2 code (upper case) or `none`: never free text. */
export function countryLabel(country: string | undefined): string {
  return country !== undefined && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : 'none';
}

/** 2xx, 4xx, …: the status class, not the status (fewer series, same alerts). */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : OTHER;
}

// Compile-time: each list above covers its source type exactly.
type Exactly<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : never;
const checks: Array<true> = [
  true satisfies Exactly<
    (typeof DEAD_LETTER_REASONS)[number],
    RejectionCode | 'storage_rejected' | 'source_system_not_owned' | 'processing_failed'
  >,
  true satisfies Exactly<(typeof DEDUP_LAYERS)[number], Exclude<CaseLayer, 'new'> | 'source_id'>,
  true satisfies Exactly<(typeof RECIPIENT_KINDS)[number], RecipientKind>,
];
void checks;
