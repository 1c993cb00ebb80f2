import { canonicalUrl } from '../dedup/url-key';
import { type CanonicalReferral } from '../referral/canonical-referral';
import { toCountry } from '../referral/country';
import { longestSuffixMatch } from './domain-suffix';
import { type HostingFinding, isHiddenServiceHost } from './jurisdiction';
import {
  type AddressFacts,
  type HostTraceFacts,
  type OriginDisclosureFacts,
  type RoutingFacts,
} from './routing-facts';
import { type RoutingRules } from './routing-rules';

/**
 * The host of a URL locator as it is traced: lower case, A-labels, no trailing dot, an IPv6
 * literal without brackets. Undefined for a URL Wissel cannot canonicalise.
 */
export function locatorHost(url: string): string | undefined {
  try {
    const host = new URL(canonicalUrl(url)).hostname;
    return host.startsWith('[') ? host.slice(1, -1) : host;
  } catch {
    return undefined;
  }
}

/** The distinct hosts of a referral's URL locators, in locator order. */
export function referralHosts(referral: CanonicalReferral): string[] {
  const hosts = referral.locators.flatMap((l) => {
    const host = l.url === undefined ? undefined : locatorHost(l.url);
    return host ? [host] : [];
  });
  return [...new Set(hosts)];
}

/**
 * The addresses the sender says it saw each URL served from (`observedIps`), for the caller
 * to locate. An address that is also one of the referral's people's is left out: a
 * perpetrator's or uploader's address says nothing about hosting.
 */
export function senderTraceAddresses(referral: CanonicalReferral): string[] {
  const persons = new Set(ipEventAddressesOfPersons(referral));
  const ips = referral.locators.flatMap((l) => l.observedIps ?? []);
  return [...new Set(ips)].filter((ip) => !persons.has(ip));
}

/** An address anyone can host on: private, loopback, reserved ranges are nobody's hosting. */
const isPublic = (address: AddressFacts) => address.range === 'unicast';

/**
 * Where each URL locator is hosted, from the facts, in this order:
 * 1. .onion / .i2p → hidden service (police only);
 * 2. an operator's override by domain suffix (longest wins) → its country;
 * 3. the trace: each address's geolocated country, or its registered country when the
 *    geolocation has none (flagged), disagreements flagged; addresses on a CDN's AS are
 *    left out (the edge's country is not the hosting country);
 * 4. only a CDN edge found: an origin disclosure covering the host (longest suffix, newest
 *    first; the gatherer passes only those in force that apply to this referral) → its
 *    countries; else behind_cdn. A disclosure never overrides the trace or an override: a
 *    partner could otherwise move hosting it does not know about;
 * 5. nothing found (unresolved; a CDN edge stays behind_cdn) and the sender's fallback is
 *    on (`senderHintFallback`):
 *    a. the sender's own trace: the locator's observedIps, located here, public and not on
 *       a CDN's AS, never a person's address → their countries, basis sender_trace;
 *    b. the sender's hint for this locator (hints.hostingCountry), else for the whole
 *       referral → that country, basis sender_hint;
 *    both at low confidence; else unresolved, for review.
 */
export function hostingFindings(
  referral: CanonicalReferral,
  facts: RoutingFacts,
  rules: RoutingRules,
): HostingFinding[] {
  const traces = new Map(facts.hosts.map((trace) => [trace.host, trace]));
  const senderTrace = new Map((facts.senderTrace ?? []).map((a) => [a.ip, a]));
  const persons = new Set(ipEventAddressesOfPersons(referral));
  // A partner's disclosure speaks for that partner's own referrals (its source systems)
  // until an operator confirms it for everyone.
  const system = referral.sourceRef.system;
  const disclosures = facts.disclosures.filter(
    (d) => d.sourceSystems === undefined || d.sourceSystems.includes(system),
  );
  const findings: HostingFinding[] = [];
  referral.locators.forEach((locator, index) => {
    if (locator.url === undefined) return;
    const host = locatorHost(locator.url);
    const finding = host
      ? hostingOf(index, host, traces.get(host), disclosures, rules)
      : ({ locator: index, status: 'unresolved', countries: [] } as HostingFinding);
    if (finding.status !== 'unresolved' || !rules.senderHintFallback) {
      findings.push(finding);
      return;
    }
    const observed = (locator.observedIps ?? [])
      .filter((ip) => !persons.has(ip))
      .flatMap((ip) => senderTrace.get(ip) ?? []);
    const traced = countriesOf(ownAddresses(observed.filter(isPublic), rules)).countries;
    if (traced.length > 0) {
      findings.push({ ...finding, status: 'located', basis: 'sender_trace', countries: traced });
      return;
    }
    const hint =
      toCountry(locator.hints?.hostingCountry) ?? toCountry(referral.hints?.hostingCountry);
    findings.push(
      hint ? { ...finding, status: 'located', basis: 'sender_hint', countries: [hint] } : finding,
    );
  });
  return findings;
}

function ipEventAddressesOfPersons(referral: CanonicalReferral): string[] {
  return referral.persons.flatMap((person) => (person.ipEvents ?? []).map((e) => e.ip));
}

/** Addresses of a CDN say where its edge is, not where the content is: only the rest count. */
function ownAddresses(addresses: AddressFacts[], rules: RoutingRules): AddressFacts[] {
  return addresses.filter(
    (address) => address.asn === undefined || !rules.cdnAsns.has(address.asn),
  );
}

/** Each address's geolocated country, or its registered one when the geolocation has none. */
function countriesOf(addresses: AddressFacts[]): { countries: string[]; registeredOnly: boolean } {
  const countries: string[] = [];
  let registeredOnly = false;
  for (const address of addresses) {
    const geo = toCountry(address.geoCountry);
    const country = geo ?? toCountry(address.registeredCountry);
    if (!country) continue;
    if (!geo) registeredOnly = true;
    if (!countries.includes(country)) countries.push(country);
  }
  return { countries, registeredOnly };
}

function hostingOf(
  locator: number,
  host: string,
  trace: HostTraceFacts | undefined,
  disclosures: OriginDisclosureFacts[],
  rules: RoutingRules,
): HostingFinding {
  const base = { locator, host };
  if (isHiddenServiceHost(host)) return { ...base, status: 'hidden_service', countries: [] };

  const addresses = (trace?.addresses ?? []).filter(isPublic);
  const cdn = addresses
    .map((address) => (address.asn === undefined ? undefined : rules.cdnAsns.get(address.asn)))
    .find((name) => name !== undefined);
  const withCdn = cdn ? { cdn } : {};

  const override = longestSuffixMatch(host, rules.overrides, (o) => o.suffix);
  if (override) {
    return {
      ...base,
      ...withCdn,
      status: 'located',
      basis: 'override',
      countries: [override.country.toUpperCase()],
      override: override.suffix,
    };
  }

  const own = ownAddresses(addresses, rules);
  const { countries, registeredOnly } = countriesOf(own);
  if (countries.length === 0 && cdn) {
    // Only an edge was found: an origin disclosure may say where the content really is.
    const disclosure = longestSuffixMatch(host, disclosures, (d) => d.suffix);
    if (disclosure && disclosure.countries.length > 0) {
      return {
        ...base,
        cdn,
        status: 'located',
        basis: 'disclosure',
        countries: unique(disclosure.countries.map((c) => c.toUpperCase())),
        disclosure: disclosure.id,
        disclosedBy: disclosure.disclosedBy,
      };
    }
    return { ...base, cdn, status: 'behind_cdn', countries: [] };
  }
  if (countries.length === 0) return { ...base, status: 'unresolved', countries: [] };
  const disagree = own.some((address) => address.countriesAgree === false);
  return {
    ...base,
    ...withCdn,
    status: 'located',
    basis: 'trace',
    countries,
    ...(disagree ? { countriesDisagree: true } : {}),
    ...(registeredOnly ? { registeredOnly: true } : {}),
  };
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
