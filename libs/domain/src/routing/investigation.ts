import { type CanonicalReferral } from '../referral/canonical-referral';
import { pseudoCountry, toCountry } from '../referral/country';
import { type InvestigationFinding, statedInvestigation } from './jurisdiction';
import { type RoutingFacts } from './routing-facts';

/** Every IP address of the referral's people, for the caller to locate. */
export function ipEventAddresses(referral: CanonicalReferral): string[] {
  const ips = referral.persons.flatMap((person) =>
    (person.ipEvents ?? []).filter((e) => !e.possibleProxy).map((e) => e.ip),
  );
  return [...new Set(ips)];
}

/**
 * Investigation countries: what the referral states (estimated countries, police cases)
 * plus where its IP events are, by the located addresses in the facts (the geolocated
 * country, else the registered one). An event the sender marks as a possible proxy says
 * nothing about where the person is and is left out; so does one the geolocation calls a
 * pseudo-code (an anonymous proxy, a satellite link, a continent): the block's registration
 * would only be a guess.
 */
export function investigationFindings(
  referral: CanonicalReferral,
  facts: RoutingFacts,
): InvestigationFinding[] {
  const located = new Map(facts.ipEvents.map((address) => [address.ip, address]));
  const found = statedInvestigation(referral);
  for (const person of referral.persons) {
    for (const event of person.ipEvents ?? []) {
      if (event.possibleProxy) continue;
      const address = located.get(event.ip);
      if (!address || address.range !== 'unicast') continue;
      if (pseudoCountry(address.geoCountry) ?? address.geoPseudoCountry) continue;
      const country = toCountry(address.geoCountry) ?? toCountry(address.registeredCountry);
      if (country) found.push({ role: person.role, country, basis: 'ip_event' });
    }
  }
  return found;
}
