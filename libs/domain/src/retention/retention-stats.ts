/**
 * What an anonymised referral leaves in the statistics: one count per day received,
 * format, source system, rule, hosting country and recipient. Folded before the personal
 * data goes, so reports over old periods stay right after the purge.
 */
export interface PurgedReferralFacts {
  receivedAt: Date;
  format: string;
  sourceSystem: string;
  /** The rule of the decision in force; 'none' when it had no decision. */
  rule: string | null;
  /** Countries the decision placed the hosting in (removal jurisdiction). */
  removalCountries: readonly string[];
  recipients: readonly string[];
}

export interface ReferralStatsRow {
  /** YYYY-MM-DD, UTC. */
  day: string;
  format: string;
  sourceSystem: string;
  rule: string;
  hostingCountry: string;
  /** A referral sent to two recipients counts once under each; '-' when it went to none. */
  recipient: string;
  referrals: number;
}

/** No value for a dimension: kept as a value so the row's key stays complete. */
export const NO_VALUE = '-';

/** Sums referrals into daily statistics rows, one per distinct key. */
export function foldReferralStats(referrals: readonly PurgedReferralFacts[]): ReferralStatsRow[] {
  const rows = new Map<string, ReferralStatsRow>();
  for (const r of referrals) {
    const base = {
      day: r.receivedAt.toISOString().slice(0, 10),
      format: r.format,
      sourceSystem: r.sourceSystem,
      rule: r.rule ?? NO_VALUE,
      // The first removal country: the hosting country the decision routed on.
      hostingCountry: r.removalCountries[0] ?? NO_VALUE,
    };
    const recipients = r.recipients.length > 0 ? [...new Set(r.recipients)] : [NO_VALUE];
    for (const recipient of recipients) {
      const key = JSON.stringify([...Object.values(base), recipient]);
      const row = rows.get(key) ?? { ...base, recipient, referrals: 0 };
      row.referrals += 1;
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}
