import type { DataSetInfo } from '../data/data-set';
import type { QueryAnswer, ResolutionOutcome } from '../dns/resolution';
import type { AddressLocation } from '../locate/address-locator';

/** One address a host resolved to, with what the local data sets say about it. */
export type TracedAddress = Omit<AddressLocation, 'dataSets'> & {
  /** Seconds, from the DNS answer; absent for an IP literal. */
  ttl?: number;
};

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
