import { Injectable, Logger } from '@nestjs/common';
import { isUuid } from '@wissel/domain';
import { DecisionRecordRepository, OriginDisclosureRepository } from '@wissel/persistence';
import { NotFoundError } from '../partners/partner-errors';
import { RedecideReferrals, type Redecision } from '../jurisdiction/redecide-referrals';

/**
 * Withdraws an origin disclosure (a partner only its own; an operator any) and decides
 * again the open cases it located: without it their hosts are behind a CDN again, so they
 * go to review. Recipients already sent a referral keep it; nothing can be unsent.
 */
@Injectable()
export class WithdrawOriginDisclosureUseCase {
  private readonly logger = new Logger('origins');

  constructor(
    private readonly disclosures: OriginDisclosureRepository,
    private readonly decisions: DecisionRecordRepository,
    private readonly redecide: RedecideReferrals,
  ) {}

  /** `ownedBy`: for a partner, its `partner:<id>`; a disclosure of someone else is not found. */
  async execute(id: string, by: string, ownedBy?: string): Promise<{ rerouted: Redecision[] }> {
    const withdrawn = isUuid(id) ? await this.disclosures.withdraw(id, by, ownedBy) : undefined;
    if (!withdrawn) {
      throw new NotFoundError('disclosure_not_found', 'no disclosure in force with this id');
    }
    const rerouted = await this.redecide.redecide(
      await this.decisions.locatedByDisclosure(id),
      'origin_disclosure',
    );
    this.logger.log({ disclosureId: id, rerouted: rerouted.length }, 'origin disclosure withdrawn');
    return { rerouted };
  }
}
