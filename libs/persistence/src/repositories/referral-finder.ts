import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { type CaseLayer } from './case-claims';

/** What an operator looks for: a partner's own reference, a submission id or a case. */
export type ReferralLookup =
  | { by: 'source'; sourceSystem: string; sourceId: string }
  | { by: 'submission'; submissionId: string }
  | { by: 'case'; caseId: string };

/** A stored referral in brief: enough to pick it and open its decision record. */
export interface FoundReferral {
  referralId: string;
  sourceSystem: string;
  sourceId: string;
  format: string;
  receivedAt: Date;
  /** The partner API submission that carried it; null for one produced on Kafka directly. */
  submissionId: string | null;
  partnerId: string | null;
  caseId: string | null;
  caseStatus: 'open' | 'removed' | null;
  /** How it joined its case: `new` opened it, any other layer made it a duplicate. */
  joinedBy: CaseLayer | null;
  /** The decision in force (the newest). */
  decisionId: string | null;
  rule: string | null;
  recipients: string[] | null;
  decidedAt: Date | null;
  /** Outbox rows written for it: 0 for a duplicate that started nothing new. */
  dispatches: number;
}

const CONDITIONS: Record<ReferralLookup['by'], string> = {
  source: `r.source_system = $1 AND r.source_id = $2`,
  submission: `s.id = $1`,
  case: `cs.case_id = $1`,
};

/**
 * Finds referrals for operators by the keys people outside the router know: the
 * partner's source reference (unique), the partner API's submission id, or the case.
 * Each lookup is an index scan (uq_referral_source, the submission's primary key,
 * ix_case_source_case). Never reads the canonical form: no URL leaves here.
 */
@Injectable()
export class ReferralFinder {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(lookup: ReferralLookup, limit: number): Promise<FoundReferral[]> {
    const params =
      lookup.by === 'source'
        ? [lookup.sourceSystem, lookup.sourceId]
        : [lookup.by === 'submission' ? lookup.submissionId : lookup.caseId];
    return this.dataSource.query(
      `SELECT r.id AS "referralId", r.source_system AS "sourceSystem", r.source_id AS "sourceId",
              r.format, r.received_at AS "receivedAt",
              s.id AS "submissionId", s.partner_id AS "partnerId",
              cs.case_id AS "caseId", c.status AS "caseStatus", cs.layer AS "joinedBy",
              d.id AS "decisionId", d.rule, d.recipients, d.decided_at AS "decidedAt",
              (SELECT count(*)::int FROM outbox o WHERE o.referral_id = r.id) AS dispatches
         FROM referral r
         LEFT JOIN partner_submission s
           ON s.source_system = r.source_system AND s.source_id = r.source_id
         LEFT JOIN case_source cs ON cs.referral_id = r.id
         LEFT JOIN "case" c ON c.id = cs.case_id
         LEFT JOIN LATERAL (
           SELECT id, rule, recipients, decided_at FROM decision
            WHERE referral_id = r.id ORDER BY decided_at DESC LIMIT 1) d ON true
        WHERE ${CONDITIONS[lookup.by]}
        ORDER BY r.received_at, r.id
        LIMIT ${Number(limit)}`,
      params,
    );
  }
}
