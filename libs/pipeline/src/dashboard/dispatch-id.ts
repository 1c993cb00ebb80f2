import { isUuid } from '@wissel/domain';
import { NotFoundError } from '../partners/partner-errors';

/** A dispatch id from a URL path; anything but a UUID names no dispatch (and never reaches SQL). */
export function dispatchId(value: string): string {
  if (!isUuid(value)) throw new NotFoundError('dispatch_not_found', 'no dispatch with this id');
  return value.toLowerCase();
}
