import type { IpFamily } from '../address/ip-address';
import type { DataSetInfo } from '../data/data-set';
import type { QueryAnswer, ResolutionOutcome } from '../dns/resolution';

/** One address a host resolved to, with what the local data sets say about it. */
export interface TracedAddress {
  ip: string;
  family: IpFamily;
  /** Seconds, from the DNS answer; absent for an IP literal. */
  ttl?: number;
  /** `unicast` for a public address; `private`, `loopback`… belong to no hoster. */
  range: string;
  /** ISO 3166-1 alpha-2; absent when unknown (never a pseudo code such as EU or A1). */
  geoCountry?: string;
  registeredCountry?: string;
  asn?: number;
  asOrganisation?: string;
  /** false: geolocation and registration disagree; absent: either is unknown. */
  countriesAgree?: boolean;
}

/** Where a host was, at one moment: the evidence a routing decision rests on. */
export interface HostTrace {
  host: string;
  outcome: ResolutionOutcome;
  addresses: TracedAddress[];
  /** Per record type: outcome, error code, whether cached. Absent when nothing was queried. */
  queries?: { A: QueryAnswer; AAAA: QueryAnswer };
  /** The data sets the addresses were looked up in, with their build dates. */
  dataSets: DataSetInfo[];
  /** ISO 8601. */
  tracedAt: string;
}
