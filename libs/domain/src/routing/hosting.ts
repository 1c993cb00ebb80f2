import { canonicalUrl } from '../dedup/url-key';
import { type CanonicalReferral } from '../referral/canonical-referral';
import { toCountry } from '../referral/country';
import { longestSuffixMatch } from './domain-suffix';
import { type HostingFinding, isHiddenServiceHost } from './jurisdiction';
import { type AddressFacts, type HostTraceFacts, type RoutingFacts } from './routing-facts';
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

/** An address anyone can host on: private, loopback, reserved ranges are nobody's hosting. */
const isPublic = (address: AddressFacts) => address.range === 'unicast';

/**
 * Where each URL locator is hosted, from the facts, in this order:
 * 1. .onion / .i2p → hidden service (police only);
 * 2. an origin disclosure covering the host (longest suffix, newest first) → its countries;
 * 3. an override of the rules by domain suffix (longest wins) → its country;
 * 4. the trace: addresses on a CDN's AS → behind_cdn (the edge's country is not the
 *    hosting country); otherwise each address's geolocated country, or its registered
 *    country when the geolocation has none (flagged), disagreements flagged;
 * 5. nothing found and the sender gave hints.hostingCountry → that country, basis
 *    sender_hint (low confidence); else unresolved, for review.
 */
export function hostingFindings(
  referral: CanonicalReferral,
  facts: RoutingFacts,
  rules: RoutingRules,
): HostingFinding[] {
  const traces = new Map(facts.hosts.map((trace) => [trace.host, trace]));
  const hint = rules.senderHintFallback ? toCountry(referral.hints?.hostingCountry) : undefined;
  const findings: HostingFinding[] = [];
  referral.locators.forEach((locator, index) => {
    if (locator.url === undefined) return;
    const host = locatorHost(locator.url);
    const finding = host
      ? hostingOf(index, host, traces.get(host), facts, rules)
      : ({ locator: index, status: 'unresolved', countries: [] } as HostingFinding);
    if (finding.status === 'unresolved' && hint) {
      findings.push({ ...finding, status: 'located', basis: 'sender_hint', countries: [hint] });
    } else {
      findings.push(finding);
    }
  });
  return findings;
}

function hostingOf(
  locator: number,
  host: string,
  trace: HostTraceFacts | undefined,
  facts: RoutingFacts,
  rules: RoutingRules,
): HostingFinding {
  const base = { locator, host };
  if (isHiddenServiceHost(host)) return { ...base, status: 'hidden_service', countries: [] };

  const addresses = (trace?.addresses ?? []).filter(isPublic);
  const cdn = addresses
    .map((address) => (address.asn === undefined ? undefined : rules.cdnAsns.get(address.asn)))
    .find((name) => name !== undefined);
  const withCdn = cdn ? { cdn } : {};

  const disclosure = longestSuffixMatch(host, facts.disclosures, (d) => d.suffix);
  if (disclosure && disclosure.countries.length > 0) {
    return {
      ...base,
      ...withCdn,
      status: 'located',
      basis: 'disclosure',
      countries: unique(disclosure.countries.map((c) => c.toUpperCase())),
      disclosure: disclosure.id,
    };
  }
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

  // Addresses of a CDN say where its edge is, not where the content is: only the rest count.
  const own = addresses.filter(
    (address) => address.asn === undefined || !rules.cdnAsns.has(address.asn),
  );
  const countries: string[] = [];
  let registeredOnly = false;
  for (const address of own) {
    const geo = toCountry(address.geoCountry);
    const country = geo ?? toCountry(address.registeredCountry);
    if (!country) continue;
    if (!geo) registeredOnly = true;
    if (!countries.includes(country)) countries.push(country);
  }
  if (countries.length === 0) {
    return { ...base, ...withCdn, status: cdn ? 'behind_cdn' : 'unresolved', countries: [] };
  }
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
