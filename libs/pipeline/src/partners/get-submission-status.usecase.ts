import { Injectable } from '@nestjs/common';
import { isUuid } from '@wissel/domain';
import { PartnerSubmissionRepository } from '@wissel/persistence';
import { NotFoundError } from './partner-errors';
import { toSubmissionStatus, type SubmissionStatus } from './submission-status';

/**
 * One submitted referral's status, for the partner that sent it only. Another partner's id
 * and an unknown id give the same answer, so an id's existence is never revealed.
 */
@Injectable()
export class GetSubmissionStatusUseCase {
  constructor(private readonly submissions: PartnerSubmissionRepository) {}

  async execute(partnerId: string, id: string): Promise<SubmissionStatus> {
    const view = isUuid(id)
      ? await this.submissions.findForPartner(partnerId, id.toLowerCase())
      : undefined;
    if (!view) {
      throw new NotFoundError('referral_not_found', 'no referral of yours has this id');
    }
    return toSubmissionStatus(view);
  }
}
