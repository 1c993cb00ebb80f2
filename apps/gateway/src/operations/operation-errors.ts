import { DomainError } from '@wissel/domain';
import { InvalidReferralError, NotFoundError, type PartnerApiError } from '@wissel/pipeline';

/**
 * The jurisdiction use cases throw plain typed domain errors (they also serve the holds
 * topic, where a refusal is a dead letter); on HTTP their codes become problem details:
 * `*_not_found` → 404, any other → 422, with the field the error names.
 */
export function asApiError(error: unknown): unknown {
  if (
    !(error instanceof DomainError) ||
    !/^(police_hold|origin_disclosure|decision_record)/.test(error.code)
  ) {
    return error;
  }
  const field = typeof error.details.field === 'string' ? `/${error.details.field}` : undefined;
  const extras = field ? { field } : {};
  const mapped: PartnerApiError = error.code.endsWith('_not_found')
    ? new NotFoundError(error.code, error.message, extras)
    : new InvalidReferralError(error.code, error.message, extras);
  return mapped;
}

/** Runs a use case and answers its typed refusals as problem details. */
export async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asApiError(error);
  }
}
