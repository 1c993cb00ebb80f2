import { type DataSource } from 'typeorm';

/** A stored referral with the decision in force, as a what-if replays it. */
export interface DecidedReferral {
  referralId: string;
  receivedAt: Date;
  /** Without its persons (W11): open them with PersonalDataSealer from personalData. */
  canonical: Record<string, unknown>;
  personalData: string | null;
  decision: {
    rule: string;
    recipients: string[];
    evidence: Record<string, unknown>;
    rulesetVersion: string;
  };
}

export interface DecidedReferralPageOptions {
  /** Only referrals received at or after this time. */
  since?: Date;
  /** At most this many referrals in all. */
  limit?: number;
  /** Rows per query; pages keep memory flat on a large database. */
  pageSize?: number;
}

/**
 * Reads stored referrals with the decision in force (the one no later decision
 * supersedes), oldest first, in keyset pages. Read-only: a what-if changes nothing.
 */
export class DecidedReferralReader {
  constructor(private readonly dataSource: DataSource) {}

  async *all(options: DecidedReferralPageOptions = {}): AsyncGenerator<DecidedReferral> {
    const pageSize = options.pageSize ?? 1000;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    let after: { receivedAt: Date; id: string } | undefined;
    while (remaining > 0) {
      const rows = await this.page(after, Math.min(pageSize, remaining), options.since);
      for (const row of rows) yield row;
      if (rows.length < pageSize) return;
      remaining -= rows.length;
      const last = rows[rows.length - 1]!;
      after = { receivedAt: last.receivedAt, id: last.referralId };
    }
  }

  private async page(
    after: { receivedAt: Date; id: string } | undefined,
    limit: number,
    since: Date | undefined,
  ): Promise<DecidedReferral[]> {
    const rows: Array<Omit<DecidedReferral, 'decision'> & DecidedReferral['decision']> =
      await this.dataSource.query(
        `SELECT r.id AS "referralId", r.received_at AS "receivedAt", r.canonical,
                r.personal_data AS "personalData",
                d.rule, d.recipients, d.evidence, d.ruleset_version AS "rulesetVersion"
           FROM referral r
           CROSS JOIN LATERAL (
             SELECT d.* FROM decision d WHERE d.referral_id = r.id
              ORDER BY NOT EXISTS (SELECT 1 FROM decision n WHERE n.supersedes_id = d.id) DESC,
                       d.decided_at DESC
              LIMIT 1) d
          WHERE ($1::timestamptz IS NULL OR (r.received_at, r.id) > ($1::timestamptz, $2::uuid))
            AND ($3::timestamptz IS NULL OR r.received_at >= $3::timestamptz)
          ORDER BY r.received_at, r.id
          LIMIT $4`,
        [after?.receivedAt ?? null, after?.id ?? null, since ?? null, limit],
      );
    return rows.map(({ referralId, receivedAt, canonical, personalData, ...decision }) => ({
      referralId,
      receivedAt: new Date(receivedAt),
      canonical,
      personalData,
      decision,
    }));
  }
}
