import { Injectable } from '@nestjs/common';
import { isUuid } from '@wissel/domain';
import { ReferralFinder, type FoundReferral, type ReferralLookup } from '@wissel/persistence';
import { MalformedRequestError } from '../partners/partner-errors';

export const FIND_DEFAULT_LIMIT = 50;
export const FIND_MAX_LIMIT = 500;

/** The query as an operator sends it: one of the three lookups, and a limit. */
export interface FindReferralsQuery {
  sourceSystem?: string;
  sourceId?: string;
  submissionId?: string;
  caseId?: string;
  limit?: string;
}

export interface ReferralSummary {
  referralId: string;
  sourceRef: { system: string; id: string };
  format: string;
  receivedAt: string;
  submission: { id: string; partnerId: string } | null;
  case: { id: string; status: string; joinedBy: string; duplicate: boolean } | null;
  decision: { id: string; rule: string; recipients: string[]; decidedAt: string } | null;
  dispatches: number;
  /** Where its full decision record is, also when it produced no dispatch. */
  decisionRecord: string;
}

export interface FoundReferrals {
  items: ReferralSummary[];
  /** True when more matched than `limit` (a large case): narrow down or raise the limit. */
  truncated: boolean;
}

/**
 * Finds referrals for operators without the router's referral id: by the partner's source
 * reference, by the submission id the partner API gave out, or by case (every referral
 * that joined it, duplicates included). Each answer links the decision record.
 */
@Injectable()
export class FindReferralsUseCase {
  constructor(private readonly finder: ReferralFinder) {}

  async execute(query: FindReferralsQuery): Promise<FoundReferrals> {
    const lookup = toLookup(query);
    const limit = parseLimit(query.limit);
    const rows = await this.finder.find(lookup, limit + 1);
    return { items: rows.slice(0, limit).map(toSummary), truncated: rows.length > limit };
  }
}

function toLookup(query: FindReferralsQuery): ReferralLookup {
  const source = query.sourceSystem !== undefined || query.sourceId !== undefined;
  const given = [source, query.submissionId !== undefined, query.caseId !== undefined];
  if (given.filter(Boolean).length !== 1) {
    throw new MalformedRequestError(
      'query_invalid',
      'give exactly one of: sourceSystem with sourceId, submissionId, caseId',
    );
  }
  if (source) {
    for (const field of ['sourceSystem', 'sourceId'] as const) {
      const value = query[field];
      if (value === undefined || value.length === 0 || value.length > 256) {
        throw new MalformedRequestError(
          'query_invalid',
          `${field} must be given with the other, 1–256 characters`,
          { field },
        );
      }
    }
    return { by: 'source', sourceSystem: query.sourceSystem!, sourceId: query.sourceId! };
  }
  const field = query.submissionId !== undefined ? 'submissionId' : 'caseId';
  const id = query[field]!;
  if (!isUuid(id)) {
    throw new MalformedRequestError('query_invalid', `${field} must be a UUID`, { field });
  }
  return field === 'submissionId'
    ? { by: 'submission', submissionId: id.toLowerCase() }
    : { by: 'case', caseId: id.toLowerCase() };
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return FIND_DEFAULT_LIMIT;
  const n = Number(limit);
  if (!/^\d+$/.test(limit) || n < 1 || n > FIND_MAX_LIMIT) {
    throw new MalformedRequestError(
      'query_invalid',
      `limit must be a whole number from 1 to ${FIND_MAX_LIMIT}`,
      { field: 'limit' },
    );
  }
  return n;
}

function toSummary(row: FoundReferral): ReferralSummary {
  const iso = (d: Date) => new Date(d).toISOString();
  return {
    referralId: row.referralId,
    sourceRef: { system: row.sourceSystem, id: row.sourceId },
    format: row.format,
    receivedAt: iso(row.receivedAt),
    submission:
      row.submissionId !== null && row.partnerId !== null
        ? { id: row.submissionId, partnerId: row.partnerId }
        : null,
    case:
      row.caseId !== null && row.caseStatus !== null && row.joinedBy !== null
        ? {
            id: row.caseId,
            status: row.caseStatus,
            joinedBy: row.joinedBy,
            duplicate: row.joinedBy !== 'new',
          }
        : null,
    decision:
      row.decisionId !== null && row.rule !== null && row.decidedAt !== null
        ? {
            id: row.decisionId,
            rule: row.rule,
            recipients: row.recipients ?? [],
            decidedAt: iso(row.decidedAt),
          }
        : null,
    dispatches: row.dispatches,
    decisionRecord: `/admin/referrals/${row.referralId}/decision`,
  };
}
