import { parseIp, type IpAddress, type IpFamily } from '../address/ip-address';
import type { AddressSource } from '../data/address-source';
import { openCsvSource } from '../data/csv-source';
import type { DataSetInfo, DataSetRole } from '../data/data-set';
import { defaultDataSetPaths } from '../data/default-data-sets';
import { openMmdbSource } from '../data/mmdb-source';
import { asnOf, geoCountryOf, pseudoCountriesOf, registeredCountryOf } from './record-fields';

/**
 * Where each data set is, as a file or a list of files consulted in order (e.g. an IPv4
 * and an IPv6 CSV). `.mmdb` files are read as MaxMind databases, anything else as CSV
 * ranges. Unset: the embedded `@ip-location-db/*` packages.
 */
export interface AddressLocatorOptions {
  geoCountryDb?: string | readonly string[];
  registeredCountryDb?: string | readonly string[];
  asnDb?: string | readonly string[];
}

/** What the local data sets say about one address. Absent fields: the data does not say. */
export interface AddressLocation {
  ip: string;
  family: IpFamily;
  /** `unicast` for an ordinary public address; `private`, `loopback`… are nobody's hosting. */
  range: string;
  /** Where the address is used, by geolocation (ISO 3166-1 alpha-2). */
  geoCountry?: string;
  /** Where the address block is registered (RIR whois). */
  registeredCountry?: string;
  /** The pseudo-code (A1, EU, …) the geolocation gave instead of a country. */
  geoPseudoCountry?: string;
  /** The pseudo-code the registration gave instead of a country. */
  registeredPseudoCountry?: string;
  asn?: number;
  asOrganisation?: string;
  /** false when both countries are known and differ; absent when either is unknown. */
  countriesAgree?: boolean;
  /** The data sets consulted for this address's family. */
  dataSets: DataSetInfo[];
}

/** IP address → country (geolocated and registered) and AS, from local files only. */
export class AddressLocator {
  /** Every data set, with its build date: for traces and for a freshness check. */
  readonly dataSets: readonly DataSetInfo[];

  private constructor(private readonly sources: Record<DataSetRole, AddressSource[]>) {
    this.dataSets = Object.values(sources).flatMap((list) => list.map((source) => source.info));
  }

  static async open(options: AddressLocatorOptions = {}): Promise<AddressLocator> {
    const defaults = defaultDataSetPaths();
    const paths: Record<DataSetRole, readonly string[]> = {
      geo_country: list(options.geoCountryDb) ?? defaults.geo_country,
      registered_country: list(options.registeredCountryDb) ?? defaults.registered_country,
      asn: list(options.asnDb) ?? defaults.asn,
    };
    const openAll = (role: DataSetRole) =>
      Promise.all(
        paths[role].map((path) =>
          path.endsWith('.mmdb') ? openMmdbSource(path, role) : openCsvSource(path, role),
        ),
      );
    const [geo, registered, asn] = await Promise.all([
      openAll('geo_country'),
      openAll('registered_country'),
      openAll('asn'),
    ]);
    return new AddressLocator({ geo_country: geo, registered_country: registered, asn });
  }

  /** Undefined only when ip is not an IP address. Never throws. */
  locate(ip: string | IpAddress): AddressLocation | undefined {
    const address = typeof ip === 'string' ? parseIp(ip) : ip;
    if (!address) return undefined;
    const geoRecord = this.find('geo_country', address);
    const registeredRecord = this.find('registered_country', address);
    const geoCountry = geoCountryOf(geoRecord);
    const registeredCountry = registeredCountryOf(registeredRecord);
    return {
      ip: address.text,
      family: address.family,
      range: address.range,
      ...(geoCountry ? { geoCountry } : {}),
      ...(registeredCountry ? { registeredCountry } : {}),
      ...pseudoCountriesOf(geoRecord, registeredRecord),
      ...asnOf(this.find('asn', address)),
      ...(geoCountry && registeredCountry
        ? { countriesAgree: geoCountry === registeredCountry }
        : {}),
      dataSets: this.dataSets.filter((info) => info.families.includes(address.family)),
    };
  }

  /** The first file of the role that holds the address. */
  private find(role: DataSetRole, ip: IpAddress) {
    for (const source of this.sources[role]) {
      const record = source.find(ip);
      if (record) return record;
    }
    return undefined;
  }
}

function list(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const paths = (typeof value === 'string' ? value.split(',') : value)
    .map((path) => path.trim())
    .filter(Boolean);
  return paths.length > 0 ? paths : undefined;
}
