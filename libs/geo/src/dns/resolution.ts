import type { IpFamily } from '../address/ip-address';

/** How one query (A or AAAA) ended. A DNS failure is an outcome, never an exception. */
export type QueryOutcome =
  | 'addresses'
  | 'nodata' // the name exists, but has no record of this type
  | 'nxdomain' // the name does not exist
  | 'timeout'
  | 'servfail'
  | 'refused'
  | 'error'; // anything else: unreachable server, malformed answer…

/** How resolving a host ended, over both queries. */
export type ResolutionOutcome =
  | 'resolved' // at least one address
  | 'ip_literal' // the host is an address: no query was sent
  | 'not_in_dns' // .onion, .i2p and other special-use names: no query was sent
  | 'invalid_host' // not a host name: no query was sent
  | Exclude<QueryOutcome, 'addresses'>;

export interface ResolvedAddress {
  /** Canonical text: dotted decimal, or compressed lower-case IPv6. */
  ip: string;
  family: IpFamily;
  /** Seconds, as the DNS answer gave it; absent for an IP literal. */
  ttl?: number;
}

export interface QueryAnswer {
  outcome: QueryOutcome;
  addresses: ResolvedAddress[];
  /** When the answer came from the server (epoch ms, by the resolver's clock). */
  answeredAt: number;
  /** true when served from the resolver's cache. */
  fromCache: boolean;
  /** The resolver's error code (ETIMEOUT, ECONNREFUSED…) when outcome is not addresses. */
  code?: string;
}

export interface Resolution {
  /** The host as queried: lower case, A-labels, no trailing dot; an IP literal canonical. */
  host: string;
  outcome: ResolutionOutcome;
  /** IPv4 first, then IPv6, each in the order of the answer. */
  addresses: ResolvedAddress[];
  /** Per record type; absent when no query was sent. */
  queries?: { A: QueryAnswer; AAAA: QueryAnswer };
}

/**
 * One outcome for both queries. Any address wins. NXDOMAIN is about the name, so either
 * query saying so settles it; then failures (worth retrying) come before "no data".
 */
export function combineOutcomes(a: QueryOutcome, aaaa: QueryOutcome): ResolutionOutcome {
  const both = [a, aaaa];
  if (both.includes('addresses')) return 'resolved';
  for (const outcome of ['nxdomain', 'timeout', 'servfail', 'refused', 'error'] as const) {
    if (both.includes(outcome)) return outcome;
  }
  return 'nodata';
}
