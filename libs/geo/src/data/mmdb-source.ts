import { basename, dirname } from 'node:path';
import { open, type Reader, type Response } from 'maxmind';
import type { IpAddress, IpFamily } from '../address/ip-address';
import { GeoDataError, type AddressSource } from './address-source';
import type { DataSetInfo, DataSetRole } from './data-set';
import { packageBuildDate } from './package-build-date';

/**
 * A MaxMind-format database (ip-location-db's `{ country_code }` records, or MaxMind's own
 * GeoLite2/GeoIP2 Country and ASN layouts). The file is read into memory once; lookups
 * walk its search tree and never touch the disk or the network.
 */
export async function openMmdbSource(path: string, role: DataSetRole): Promise<AddressSource> {
  let reader: Reader<Response>;
  try {
    reader = await open<Response>(path);
  } catch (error) {
    throw new GeoDataError(`cannot open ${role} data set ${path}: ${String(error)}`);
  }
  const { buildEpoch, ipVersion } = reader.metadata;
  const fromPackage = await packageBuildDate(dirname(path));
  const families: IpFamily[] = ipVersion === 6 ? [4, 6] : [4];
  const info: DataSetInfo = {
    role,
    name: basename(path),
    format: 'mmdb',
    families,
    builtAt: buildEpoch.toISOString(),
    builtAtSource: 'mmdb_build_epoch',
    ...(fromPackage?.package ? { package: fromPackage.package } : {}),
  };
  return {
    info,
    find(ip: IpAddress) {
      if (!families.includes(ip.family)) return undefined;
      return (reader.get(ip.text) as Record<string, unknown> | null) ?? undefined;
    },
  };
}
