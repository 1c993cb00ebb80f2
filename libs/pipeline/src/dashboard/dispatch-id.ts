import { NotFoundError } from '../partners/partner-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A dispatch id from a URL path; anything but a UUID names no dispatch (and never reaches SQL). */
export function dispatchId(value: string): string {
  if (!UUID.test(value)) throw new NotFoundError('dispatch_not_found', 'no dispatch with this id');
  return value.toLowerCase();
}
