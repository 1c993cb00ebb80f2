import { Injectable } from '@nestjs/common';
import { isUuid } from '@wissel/domain';
import { ReferralRevealRepository, type RevealedLocator } from '@wissel/persistence';
import { NotFoundError } from '../partners/partner-errors';
import { requireRevealReason } from './require-reveal-reason';

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
    const why = requireRevealReason(reason, 'URLs');
    const locators = isUuid(referralId)
      ? await this.reveals.reveal(referralId, {
          action: 'referral.urls_revealed',
          subject: referralId,
          details: { reason: why },
        })
      : undefined;
    if (!locators) throw new NotFoundError('referral_not_found', 'no referral with this id');
    return { referralId, locators };
  }
}
