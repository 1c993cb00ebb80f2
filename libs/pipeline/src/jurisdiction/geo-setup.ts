import { type WisselConfig } from '@wissel/config';
import {
  AddressLocator,
  HostResolver,
  HostTracer,
  type AddressLocatorOptions,
  type HostResolverOptions,
} from '@wissel/geo';

/** What tracing needs from the configuration, as plain options. */
export interface GeoSettings {
  resolver: HostResolverOptions;
  locator: AddressLocatorOptions;
  /** Readiness fails on data sets older than this; 0: not checked. */
  maxAgeDays: number;
  /** Hosts traced at once. */
  concurrency: number;
}

export interface Geo {
  resolver: HostResolver;
  locator: AddressLocator;
  tracer: HostTracer;
}

type GeoConfig = Pick<
  WisselConfig,
  | 'DNS_SERVERS'
  | 'DNS_TIMEOUT_MS'
  | 'DNS_TRIES'
  | 'DNS_DEADLINE_MS'
  | 'DNS_MIN_TTL_S'
  | 'DNS_MAX_TTL_S'
  | 'DNS_NEGATIVE_TTL_S'
  | 'DNS_CACHE_MAX_ENTRIES'
  | 'GEO_COUNTRY_DB'
  | 'GEO_REGISTERED_COUNTRY_DB'
  | 'GEO_ASN_DB'
  | 'GEO_MAX_AGE_DAYS'
  | 'TRACE_CONCURRENCY'
>;

export function geoSettings(config: GeoConfig): GeoSettings {
  const list = (value: string) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  const servers = list(config.DNS_SERVERS);
  const paths = (value: string) => (list(value).length > 0 ? list(value) : undefined);
  return {
    resolver: {
      ...(servers.length > 0 ? { servers } : {}),
      timeoutMs: config.DNS_TIMEOUT_MS,
      tries: config.DNS_TRIES,
      ...(config.DNS_DEADLINE_MS > 0 ? { deadlineMs: config.DNS_DEADLINE_MS } : {}),
      minTtlSeconds: config.DNS_MIN_TTL_S,
      maxTtlSeconds: config.DNS_MAX_TTL_S,
      negativeTtlSeconds: config.DNS_NEGATIVE_TTL_S,
      maxCacheEntries: config.DNS_CACHE_MAX_ENTRIES,
    },
    locator: {
      geoCountryDb: paths(config.GEO_COUNTRY_DB),
      registeredCountryDb: paths(config.GEO_REGISTERED_COUNTRY_DB),
      asnDb: paths(config.GEO_ASN_DB),
    },
    maxAgeDays: config.GEO_MAX_AGE_DAYS,
    concurrency: config.TRACE_CONCURRENCY,
  };
}

/**
 * Opens the geo data sets and makes the resolver and tracer. Plain code, no Nest: the
 * what-if command and the re-trace before a notice build their tracer with this too.
 */
export async function openGeo(settings: GeoSettings): Promise<Geo> {
  const locator = await AddressLocator.open(settings.locator);
  const resolver = new HostResolver(settings.resolver);
  return { resolver, locator, tracer: new HostTracer({ resolver, locator }) };
}
