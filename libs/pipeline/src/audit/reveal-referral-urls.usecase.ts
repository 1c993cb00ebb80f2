import { Injectable } from '@nestjs/common';
import { MAX_REVEAL_REASON, MIN_REVEAL_REASON, revealReasonProblem, isUuid } from '@wissel/domain';
import { ReferralRevealRepository, type RevealedLocator } from '@wissel/persistence';
import { MalformedRequestError, NotFoundError } from '../partners/partner-errors';

/**
 * An operator reveals a referral's reported URLs (masked everywhere else), giving a reason.
 * The audit event (actor, referral id, reason) commits before the URLs are returned. The
 * reason is kept in the audit log, which holds no URL or personal data: one that holds a
 * URL is refused.
 */
@Injectable()
export class RevealReferralUrlsUseCase {
  constructor(private readonly reveals: ReferralRevealRepository) {}

  async execute(
    referralId: string,
    reason: unknown,
  ): Promise<{ referralId: string; locators: RevealedLocator[] }> {
    const problem = revealReasonProblem(reason);
    if (problem === 'missing' || problem === 'too_short' || problem === 'too_long') {
      throw new MalformedRequestError(
        'reveal_reason_required',
        `a reason of ${MIN_REVEAL_REASON}–${MAX_REVEAL_REASON} characters, saying why, is required to reveal URLs`,
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
    const locators = isUuid(referralId)
      ? await this.reveals.reveal(referralId, {
          action: 'referral.urls_revealed',
          subject: referralId,
          details: { reason: String(reason).trim() },
        })
      : undefined;
    if (!locators) throw new NotFoundError('referral_not_found', 'no referral with this id');
    return { referralId, locators };
  }
}
