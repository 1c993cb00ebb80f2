import { Injectable, Logger } from '@nestjs/common';
import {
  ipEventAddresses,
  matchesSuffix,
  referralHosts,
  senderTraceAddresses,
  toCountry,
  type AddressFacts,
  type CanonicalReferral,
  type HostTraceFacts,
  type MatchedHold,
  type OriginDisclosureFacts,
  type RoutingFacts,
} from '@wissel/domain';
import {
  OriginDisclosureRepository,
  PoliceHoldRepository,
  type OriginDisclosureRow,
} from '@wissel/persistence';
import { holdKeys, matchHolds } from '../holds/match-holds';
import { mapBounded } from './bounded';
import { GeoServices } from './geo-services';
import { toAddressFacts, toTraceFacts } from './trace-facts';

/**
 * The trace step: everything a batch's decisions rest on, gathered before the intake
 * transaction so no DNS wait holds a database connection. Each distinct host of the
 * batch is traced once (bounded concurrency; the resolver's cache is shared by every
 * batch), IP events are located in the local data, and the police holds and origin
 * disclosures that apply are read with one indexed query each.
 */
@Injectable()
export class RoutingFactsGatherer {
  private readonly logger = new Logger('trace');

  constructor(
    private readonly geo: GeoServices,
    private readonly holds: PoliceHoldRepository,
    private readonly disclosures: OriginDisclosureRepository,
  ) {}

  async gather(referrals: CanonicalReferral[], now = new Date()): Promise<RoutingFacts[]> {
    if (referrals.length === 0) return [];
    const { tracer, locator } = await this.geo.open();
    const started = Date.now();
    const hosts = [...new Set(referrals.flatMap(referralHosts))];
    const traced = await mapBounded(hosts, this.geo.settings.concurrency, async (host) => {
      // Keyed by the locator's host as the decision looks it up.
      const facts: HostTraceFacts = { ...toTraceFacts(await tracer.trace(host)), host };
      return [host, facts] as const;
    });
    const traces = new Map(traced);
    const located = new Map<string, AddressFacts>();
    const addresses = referrals.flatMap((r) => [
      ...ipEventAddresses(r),
      ...senderTraceAddresses(r),
    ]);
    for (const ip of new Set(addresses)) {
      const location = locator.locate(ip);
      if (location) located.set(ip, toAddressFacts(ip, location));
    }
    const partial = referrals.map((referral) => ({
      referral,
      hosts: referralHosts(referral).flatMap((host) => traces.get(host) ?? []),
      ipEvents: ipEventAddresses(referral).flatMap((ip) => located.get(ip) ?? []),
      senderTrace: senderTraceAddresses(referral).flatMap((ip) => located.get(ip) ?? []),
    }));
    const current = await this.current(partial, now);
    // Counts and time only: hosts are never logged at info level.
    this.logger.debug({ hosts: hosts.length, ms: Date.now() - started }, 'batch traced');
    return partial.map(({ hosts: h, ipEvents, senderTrace }, i) => ({
      hosts: h,
      ipEvents,
      senderTrace,
      ...current[i]!,
    }));
  }

  /**
   * The holds and disclosures in force now for referrals whose traces are known: for a
   * new batch, and for a referral decided again from its stored traces.
   */
  async current(
    items: Array<{ referral: CanonicalReferral; hosts: HostTraceFacts[] }>,
    now = new Date(),
  ): Promise<Array<{ holds: MatchedHold[]; disclosures: OriginDisclosureFacts[] }>> {
    const keys = items.map(({ referral, hosts }) => holdKeys(referral, hosts));
    const suffixes = new Set(
      keys
        .flat()
        .filter((k) => k.kind === 'domain')
        .map((k) => k.value),
    );
    const [holds, disclosures] = await Promise.all([
      this.holds.activeOn(
        [...new Map(keys.flat().map((k) => [`${k.kind} ${k.value}`, k])).values()],
        now,
      ),
      this.disclosures.forSuffixes([...suffixes], now),
    ]);
    return items.map(({ referral }, i) => {
      const hosts = referralHosts(referral);
      return {
        holds: matchHolds(keys[i]!, holds),
        disclosures: disclosures
          .filter((d) => hosts.some((host) => matchesSuffix(host, d.suffix)))
          .map(toDisclosureFacts),
      };
    });
  }
}

export function toDisclosureFacts(row: OriginDisclosureRow): OriginDisclosureFacts {
  const origins = row.origins as AddressFacts[];
  const countries = [
    toCountry(row.originCountry),
    ...origins.map((o) => toCountry(o.geoCountry) ?? toCountry(o.registeredCountry)),
  ].filter((c): c is string => c !== undefined);
  return {
    id: row.id,
    suffix: row.suffix,
    countries: [...new Set(countries)],
    ...(origins.length > 0 ? { origins } : {}),
    disclosedBy: row.disclosedBy,
    disclosedAt: new Date(row.createdAt).toISOString(),
    ...(row.sourceSystems ? { sourceSystems: row.sourceSystems } : {}),
    expiresAt: new Date(row.expiresAt).toISOString(),
  };
}
