/**
 * Routing rules are data, not code: an operator edits a validated file (see
 * config/routing.yaml) and the code reads this shape. W1 uses only what the placeholder
 * decision needs; the full rule set (CDN ASNs, overrides, priorities) grows in W5.
 */
export type RecipientKind =
  | 'domestic_police'
  | 'national_hotline'
  | 'authority'
  | 'partner_hotline'
  | 'international_police'
  | 'review';

export interface Recipient {
  id: string;
  kind: RecipientKind;
  /** ISO 3166-1 alpha-2; absent for recipients without a country (international police, review). */
  country?: string;
  /** The names this recipient uses in a referral's `via` hop list. */
  hopIds: string[];
}

export interface RoutingRules {
  /** Changes whenever the file changes; recorded with every decision. */
  version: string;
  home: string;
  /** Where referrals go that no rule can place. */
  reviewRecipient: string;
  recipients: Map<string, Recipient>;
}

/** The first recipient of a kind (and of a country, where one is given) in the directory. */
export function findRecipient(
  rules: RoutingRules,
  kind: RecipientKind,
  country?: string,
): Recipient | undefined {
  for (const recipient of rules.recipients.values()) {
    if (recipient.kind !== kind) continue;
    if (country === undefined || recipient.country?.toUpperCase() === country.toUpperCase()) {
      return recipient;
    }
  }
  return undefined;
}
