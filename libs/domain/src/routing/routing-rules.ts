/**
 * Routing rules are data, not code: an operator edits a validated file (see
 * config/routing.yaml) and the code reads this shape.
 */
export type RecipientKind =
  | 'domestic_police'
  | 'national_hotline'
  | 'authority'
  | 'partner_hotline'
  /** A foreign police force Wissel may send investigations to directly (by its country). */
  | 'partner_police'
  | 'international_police'
  | 'review';

export interface Recipient {
  id: string;
  kind: RecipientKind;
  /** ISO 3166-1 alpha-2; absent for recipients without a country (international police, review). */
  country?: string;
  /** The names this recipient uses in a referral's `via` hop list. */
  hopIds: string[];
  /** Hours its hosters have after a notice (W6 notice clock); absent: the default 24. */
  ntdDeadlineHours?: number;
  /** How its dispatches reach it (W6 delivery); absent: its Kafka topic. */
  delivery?: RecipientDelivery;
}

/** Its topic `referrals.out.<id>.v1`, or a signed POST to its webhook. */
export type RecipientDelivery =
  { kind: 'kafka' } | { kind: 'webhook'; url: string; timeoutMs?: number };

/** This Wissel node as other routers and hotlines name it in a referral's `via`. */
export interface NodeIdentity {
  /**
   * Its hop ids: the first is appended to `via` on everything it sends; any of them in an
   * inbound referral's `via` marks a loop (the others are former or alias names).
   */
  hopIds: readonly string[];
}

export interface RoutingRules {
  /** Changes whenever the file changes; recorded with every decision. */
  version: string;
  /** Who this node is (its hop ids). */
  node: NodeIdentity;
  home: string;
  /** Where referrals go that no rule can place. */
  reviewRecipient: string;
  recipients: Map<string, Recipient>;
  /** AS number → the CDN or reverse proxy it belongs to. An edge's country is not the hosting country. */
  cdnAsns: ReadonlyMap<number, string>;
  /** Known hosting by domain suffix (the longest matching suffix wins). */
  overrides: readonly HostingOverride[];
  /** Whether the sender's own trace (observedIps) and hints are used when Wissel's trace finds nothing. */
  senderHintFallback: boolean;
  /**
   * Referral priorities that go to the domestic police as well as the national hotline when
   * the material is hosted at home; a threat to life always does. Absent: urgent only.
   */
  policeWhenHostedAtHome?: ReadonlySet<'normal' | 'high' | 'urgent'>;
}

/** What the operator knows about where a domain is really hosted (e.g. the origin behind a CDN). */
export interface HostingOverride {
  /** A host or domain suffix, lower case, A-labels, no leading or trailing dot. */
  suffix: string;
  /** ISO 3166-1 alpha-2 origin country. */
  country: string;
  asn?: number;
  note?: string;
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
