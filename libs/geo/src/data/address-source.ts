import type { IpAddress } from '../address/ip-address';
import type { DataSetInfo } from './data-set';

/** One opened data file: the record it holds for an address, if any. */
export interface AddressSource {
  readonly info: DataSetInfo;
  find(ip: IpAddress): Readonly<Record<string, unknown>> | undefined;
}

/** Thrown at start-up when a data file cannot be read; never for a lookup. */
export class GeoDataError extends Error {
  override readonly name = 'GeoDataError';
}
