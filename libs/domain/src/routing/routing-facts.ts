/**
 * What the decision rests on, as plain data: the caller traces hosts (DNS and the local
 * geo data sets), locates IP events, and finds the police holds and origin disclosures that
 * apply; the decision only reads these. The same shapes are stored in the decision's
 * evidence, so a referral can be decided again (a what-if under other rules, or a
 * re-routing after a disclosure) without a DNS query.
 */

/** One address as the local data sets describe it (mirrors @wissel/geo's TracedAddress). */
export interface AddressFacts {
  ip: string;
  family: 4 | 6;
  /** `unicast` for an ordinary public address; `private`, `loopback`… are nobody's hosting. */
  range: string;
  /** Seconds, from the DNS answer. */
  ttl?: number;
  geoCountry?: string;
  registeredCountry?: string;
  /** A pseudo-code (A1, EU, …) a data set gave instead of a country: never a country. */
  geoPseudoCountry?: string;
  registeredPseudoCountry?: string;
  asn?: number;
  asOrganisation?: string;
  /** false when both countries are known and differ. */
  countriesAgree?: boolean;
}

/** One data file a lookup used, with its build date. */
export interface DataSetFacts {
  role: string;
  name: string;
  /** ISO 8601. */
  builtAt: string;
  package?: string;
}

/** Where one host was, at one moment. */
export interface HostTraceFacts {
  /** Lower case, A-labels; an IP literal in canonical form. */
  host: string;
  /** resolved, ip_literal, not_in_dns, invalid_host, nxdomain, nodata, timeout, servfail, refused, error. */
  outcome: string;
  addresses: AddressFacts[];
  /** Per record type: the query's outcome and the resolver's code. Absent when nothing was queried. */
  dns?: { A: DnsQueryFacts; AAAA: DnsQueryFacts };
  dataSets: DataSetFacts[];
  /** ISO 8601. */
  tracedAt: string;
}

export interface DnsQueryFacts {
  outcome: string;
  code?: string;
  fromCache: boolean;
}

/** Where the real server behind a host (a CDN customer's origin) is, as someone disclosed it. */
export interface OriginDisclosureFacts {
  id: string;
  /** Host or domain suffix the disclosure covers. */
  suffix: string;
  /** Origin countries: the disclosed country and the countries of the disclosed origin IPs. */
  countries: string[];
  /** The disclosed origin addresses, as the local data sets describe them. */
  origins?: AddressFacts[];
  /** The operator or partner who disclosed it: `operator…` or `partner:<id>`. */
  disclosedBy: string;
  /** ISO 8601. */
  disclosedAt: string;
  /**
   * A partner's disclosure, not confirmed by an operator: it applies only to referrals under
   * these source systems (the partner's own). Absent: it applies to every referral.
   */
  sourceSystems?: string[];
  /** ISO 8601: after this, the disclosure no longer applies. */
  expiresAt?: string;
}

/** A police deconfliction hold that matched this referral. */
export interface MatchedHold {
  id: string;
  /** Until when the hold applies (ISO 8601); expired holds are never passed in. */
  until: string;
  /** What matched: url, domain, hash or asn. */
  kind?: string;
  reference?: string;
}

export interface RoutingFacts {
  /** A trace of each distinct host of the referral's URL locators. */
  hosts: HostTraceFacts[];
  /** The referral's IP events (uploaders, accounts, victims), located. */
  ipEvents: AddressFacts[];
  holds: MatchedHold[];
  /** Disclosures that cover one of the referral's hosts, newest first. */
  disclosures: OriginDisclosureFacts[];
  /**
   * The sender's own trace: its locators' `observedIps` (never a person's address), located
   * in the local data sets. Used only where Wissel's own trace finds nothing. Absent in
   * decisions recorded before the sender's trace was read.
   */
  senderTrace?: AddressFacts[];
}

export const NO_FACTS: RoutingFacts = {
  hosts: [],
  ipEvents: [],
  holds: [],
  disclosures: [],
  senderTrace: [],
};
