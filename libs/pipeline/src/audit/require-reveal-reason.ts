import { MAX_REVEAL_REASON, MIN_REVEAL_REASON, revealReasonProblem } from '@wissel/domain';
import { MalformedRequestError } from '../partners/partner-errors';

/**
 * The reason an operator gives to see what is withheld (URLs, a dead letter's bytes),
 * trimmed; refused when missing, too short or long, or holding a URL (it goes into the
 * audit log, which never holds one).
 */
export function requireRevealReason(reason: unknown, what: string): string {
  const problem = revealReasonProblem(reason);
  if (problem === 'missing' || problem === 'too_short' || problem === 'too_long') {
    throw new MalformedRequestError(
      'reveal_reason_required',
      `a reason of ${MIN_REVEAL_REASON}–${MAX_REVEAL_REASON} characters, saying why, is required to reveal ${what}`,
      { field: '/reason' },
    );
  }
  if (problem === 'holds_url') {
    throw new MalformedRequestError(
      'reveal_reason_invalid',
      'the reason goes into the audit log, which never holds a URL',
      { field: '/reason' },
    );
  }
  return String(reason).trim();
}
