import { type CanonicalReferral } from '../referral/canonical-referral';
import { pseudoCountry, toCountry } from '../referral/country';
import { locatorHost } from './hosting';
import { type HostingFinding, type InvestigationRole } from './jurisdiction';
import { type AddressFacts, type RoutingFacts } from './routing-facts';
import { type RoutingRules } from './routing-rules';

/** Where a pseudo-country code was found. */
export type UnknownLocationSource =
  /** A person's or police case's stated country. */
  | 'stated_country'
  /** The sender's hosting hint, read because Wissel's own trace found nothing. */
  | 'hosting_hint'
  /** The geolocated or registered country of a person's located IP event. */
  | 'ip_event'
  /** The geolocated or registered country of a traced (or sender-observed) hosting address. */
  | 'host_address';

/**
 * A pseudo-country code (A1, A2, AP, EU, O1, XX, ZZ) found where a country was looked for. It
 * is never taken for a country: the place it stands for is unknown, and the decision records
 * this so a reviewer sees why. Never an address, URL or host: only positions.
 */
export interface UnknownLocation {
  source: UnknownLocationSource;
  /** The code as found, upper-cased. */
  code: string;
  /** The person's role, or police_case, for stated countries and IP events. */
  role?: InvestigationRole;
  /** The locator, for hosting hints (absent: the referral's own hint) and host addresses. */
  locator?: number;
}

/**
 * The pseudo-country codes the decision read: every stated country of a person or police
 * case; each person's IP event that was located (proxies aside, as investigation skips
 * them); each traced or sender-observed address of a locator whose hosting rests on the
 * trace or found nothing; and the sender's hosting hints where the fallback read them. Of an
 * address, the registration is read only when the geolocation gives no country.
 */
export function unknownLocations(
  referral: CanonicalReferral,
  facts: RoutingFacts,
  hosting: readonly HostingFinding[],
  rules: RoutingRules,
): UnknownLocation[] {
  const found: UnknownLocation[] = [];
  const add = (code: string | undefined, where: Omit<UnknownLocation, 'code'>) => {
    if (code === undefined) return;
    const duplicate = found.some(
      (f) =>
        f.code === code &&
        f.source === where.source &&
        f.role === where.role &&
        f.locator === where.locator,
    );
    if (!duplicate) found.push({ ...where, code });
  };
  const addressCodes = (address: AddressFacts | undefined) => {
    if (!address || address.range !== 'unicast') return [];
    // A geolocated country is what counts: the registration is read only without one.
    if (toCountry(address.geoCountry)) return [];
    return [
      pseudoCountry(address.geoCountry) ?? pseudoCountry(address.geoPseudoCountry),
      pseudoCountry(address.registeredCountry) ?? pseudoCountry(address.registeredPseudoCountry),
    ];
  };

  const located = new Map(facts.ipEvents.map((address) => [address.ip, address]));
  for (const person of referral.persons) {
    add(pseudoCountry(person.estimatedCountry), { source: 'stated_country', role: person.role });
    for (const event of person.ipEvents ?? []) {
      if (event.possibleProxy) continue;
      for (const code of addressCodes(located.get(event.ip))) {
        add(code, { source: 'ip_event', role: person.role });
      }
    }
  }
  for (const raw of referral.lawEnforcement?.countries ?? []) {
    add(pseudoCountry(raw), { source: 'stated_country', role: 'police_case' });
  }

  const traces = new Map(facts.hosts.map((trace) => [trace.host, trace]));
  const observed = new Map((facts.senderTrace ?? []).map((address) => [address.ip, address]));
  for (const finding of hosting) {
    const fromTrace = finding.basis === 'trace' || finding.basis === 'sender_trace';
    const nothingFound = finding.status === 'unresolved' || finding.basis === 'sender_hint';
    if (!fromTrace && !nothingFound) continue;
    const locator = referral.locators[finding.locator];
    const host = locator?.url === undefined ? undefined : locatorHost(locator.url);
    const addresses = [
      ...(host ? (traces.get(host)?.addresses ?? []) : []),
      ...(locator?.observedIps ?? []).flatMap((ip) => observed.get(ip) ?? []),
    ];
    for (const address of addresses) {
      for (const code of addressCodes(address)) {
        add(code, { source: 'host_address', locator: finding.locator });
      }
    }
    if (nothingFound && rules.senderHintFallback) {
      add(pseudoCountry(locator?.hints?.hostingCountry), {
        source: 'hosting_hint',
        locator: finding.locator,
      });
      // The referral's hint is read only when the locator has no country of its own.
      if (!toCountry(locator?.hints?.hostingCountry)) {
        add(pseudoCountry(referral.hints?.hostingCountry), { source: 'hosting_hint' });
      }
    }
  }
  return found;
}
