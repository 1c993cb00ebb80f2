import { Injectable } from '@nestjs/common';
import { DomainError } from '@wissel/domain';
import { DecisionRecordRepository, type DecisionRecord } from '@wissel/persistence';

export class DecisionRecordNotFoundError extends DomainError {
  readonly code = 'decision_record_not_found';
}

/**
 * The decision record of one referral for operators: every decision (the one in force
 * first, the ones it replaced after), each with its routes, jurisdictions, hold,
 * confidence, evidence (traces with data-set versions, findings, holds, disclosures) and
 * rule-set version, and the dispatches written for it.
 */
@Injectable()
export class GetDecisionRecordUseCase {
  constructor(private readonly decisions: DecisionRecordRepository) {}

  async execute(referralId: string): Promise<DecisionRecord> {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const record = uuid.test(referralId) ? await this.decisions.record(referralId) : undefined;
    if (!record) {
      throw new DecisionRecordNotFoundError('no referral with this id', { referralId });
    }
    return record;
  }
}
