import { type AddressFacts, type HostTraceFacts, type RoutingFacts } from '@wissel/domain';

/** A dispatch's route as its message carries it (decision.routes of that recipient). */
export interface DispatchRoute {
  purpose?: string;
  rule?: string;
  country?: string;
  locators?: number[];
}

interface HostingEntry {
  locator: number;
  host?: string;
}

const hostingOf = (evidence: Record<string, unknown>): HostingEntry[] =>
  Array.isArray(evidence.hosting) ? (evidence.hosting as HostingEntry[]) : [];

const tracesOf = (evidence: Record<string, unknown>): HostTraceFacts[] =>
  ((evidence.facts as Partial<RoutingFacts> | undefined)?.hosts ?? []) as HostTraceFacts[];

/** The locator indexes a dispatch is about: those of its routes, or every URL locator. */
export function routeLocators(
  evidence: Record<string, unknown>,
  routes: DispatchRoute[],
): number[] {
  const named = [...new Set(routes.flatMap((r) => r.locators ?? []))];
  return named.length > 0 ? named : hostingOf(evidence).map((h) => h.locator);
}

/** The hosts a dispatch's notice is about (of its routes' locators), as the decision traced them. */
export function routeHosts(evidence: Record<string, unknown>, routes: DispatchRoute[]): string[] {
  const locators = new Set(routeLocators(evidence, routes));
  const hosts = hostingOf(evidence)
    .filter((h) => locators.has(h.locator) && h.host)
    .map((h) => h.host!);
  return [...new Set(hosts)];
}

const countryOf = (a: AddressFacts) => a.geoCountry ?? a.registeredCountry;

/**
 * Who hosts what a dispatch is about, for the hoster monitor: the AS organisation and number
 * of the first public address of its hosts, preferring one in the route's country (a host
 * with addresses in two countries is noticed by each country's recipient). Nulls when the
 * decision traced no AS (an override, a disclosure, the sender's hint).
 */
export function dispatchHoster(
  evidence: Record<string, unknown>,
  routes: DispatchRoute[],
): { hostingProvider: string | null; asn: number | null } {
  const hosts = new Set(routeHosts(evidence, routes));
  const countries = new Set(routes.flatMap((r) => (r.country ? [r.country] : [])));
  const addresses = tracesOf(evidence)
    .filter((t) => hosts.has(t.host))
    .flatMap((t) => t.addresses)
    .filter((a) => a.range === 'unicast' && a.asn !== undefined);
  const chosen =
    addresses.find((a) => countries.has(countryOf(a) ?? '')) ?? (addresses[0] as AddressFacts);
  if (!chosen) return { hostingProvider: null, asn: null };
  return { hostingProvider: chosen.asOrganisation ?? null, asn: chosen.asn ?? null };
}

/** The stored traces of these hosts. */
export function storedTraces(evidence: Record<string, unknown>, hosts: string[]): HostTraceFacts[] {
  const wanted = new Set(hosts);
  return tracesOf(evidence).filter((t) => wanted.has(t.host));
}
