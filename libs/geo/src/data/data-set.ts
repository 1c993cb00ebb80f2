import type { IpFamily } from '../address/ip-address';

/** What a data set is consulted for. */
export type DataSetRole = 'geo_country' | 'registered_country' | 'asn';

/**
 * Where a build date comes from: the mmdb metadata `build_epoch`; the version of the
 * `@ip-location-db/*` package the file ships in (`2.3.YYYYMMDDHH`, UTC, the hour the
 * data was built); else the file's modification time (an operator who downloads a fresher
 * file should keep the server's time, e.g. `curl -R`).
 */
export type BuildDateSource = 'mmdb_build_epoch' | 'package_version' | 'file_mtime';

/** One data file, as recorded in a trace so a decision can name the data it rests on. */
export interface DataSetInfo {
  role: DataSetRole;
  /** The file's name, without its directory. */
  name: string;
  format: 'mmdb' | 'csv';
  /** The address families the file covers. */
  families: IpFamily[];
  /** ISO 8601. */
  builtAt: string;
  builtAtSource: BuildDateSource;
  /** `name@version` of the npm package the file came from, when it did. */
  package?: string;
}

/** Data sets built longer than maxAgeMs before now: readiness fails on them. */
export function staleDataSets(
  dataSets: readonly DataSetInfo[],
  now: number,
  maxAgeMs: number,
): DataSetInfo[] {
  return dataSets.filter((dataSet) => now - Date.parse(dataSet.builtAt) > maxAgeMs);
}
