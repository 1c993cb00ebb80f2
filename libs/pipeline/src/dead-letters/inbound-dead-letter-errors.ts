import { isUuid } from '@wissel/domain';
import { NotFoundError } from '../partners/partner-errors';

export const deadLetterNotFound = () =>
  new NotFoundError('dead_letter_not_found', 'no inbound dead letter with this id');

/** A dead letter's id as given, or the same 404 as an unknown one. */
export function deadLetterId(id: string): string {
  if (!isUuid(id)) throw deadLetterNotFound();
  return id.toLowerCase();
}
