import type { DataSetRole } from './data-set';

/**
 * The embedded defaults: the `@ip-location-db/*` npm packages. Operators point to fresher
 * files with the options (the npm packages are no longer updated: see the README).
 */
export function defaultDataSetPaths(): Record<DataSetRole, string[]> {
  return {
    geo_country: [require.resolve('@ip-location-db/geolite2-country-mmdb/geolite2-country.mmdb')],
    registered_country: [
      require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb'),
    ],
    asn: [
      require.resolve('@ip-location-db/asn/asn-ipv4.csv'),
      require.resolve('@ip-location-db/asn/asn-ipv6.csv'),
    ],
  };
}
