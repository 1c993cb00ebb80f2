import { Injectable, Logger } from '@nestjs/common';
import { isUuid } from '@wissel/domain';
import { DecisionRecordRepository, OriginDisclosureRepository } from '@wissel/persistence';
import { NotFoundError } from '../partners/partner-errors';
import { RedecideReferrals, type Redecision } from '../jurisdiction/redecide-referrals';

/**
 * An operator confirms a partner's origin disclosure: from now on it applies to every
 * referral, not only the partner's own, and the open cases held in review as behind_cdn
 * under its suffix are routed again.
 */
@Injectable()
export class ConfirmOriginDisclosureUseCase {
  private readonly logger = new Logger('origins');

  constructor(
    private readonly disclosures: OriginDisclosureRepository,
    private readonly decisions: DecisionRecordRepository,
    private readonly redecide: RedecideReferrals,
  ) {}

  async execute(id: string, by: string): Promise<{ rerouted: Redecision[] }> {
    const confirmed = isUuid(id) ? await this.disclosures.confirm(id, by) : undefined;
    if (!confirmed) {
      throw new NotFoundError('disclosure_not_found', 'no disclosure in force with this id');
    }
    const rerouted = await this.redecide.redecide(
      await this.decisions.behindCdnUnder(confirmed.suffix),
      'origin_disclosure',
    );
    this.logger.log({ disclosureId: id, rerouted: rerouted.length }, 'origin disclosure confirmed');
    return { rerouted };
  }
}
