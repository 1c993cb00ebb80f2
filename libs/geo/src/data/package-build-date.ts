import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BuildDateSource } from './data-set';

export interface BuildDate {
  builtAt: Date;
  builtAtSource: BuildDateSource;
  package?: string;
}

// ip-location-db versions end in the build hour: 2.3.2026061719 is 2026-06-17 19:00 UTC
// (its mmdb files of that release carry build_epoch 19:51 and 19:53 that day).
const VERSION_DATE = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})(\d{2})$/;

/**
 * The build date of a file that has none inside it (CSV): the package version when the
 * file ships in an `@ip-location-db/*` package (an installed file's mtime is the install
 * time), else the file's modification time.
 */
export async function fileBuildDate(path: string): Promise<BuildDate> {
  const fromPackage = await packageBuildDate(dirname(path));
  if (fromPackage) return fromPackage;
  return { builtAt: (await stat(path)).mtime, builtAtSource: 'file_mtime' };
}

/** The `@ip-location-db/*` package in dir, if the file sits in one. */
export async function packageBuildDate(dir: string): Promise<BuildDate | undefined> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const { name, version } = (manifest ?? {}) as { name?: unknown; version?: unknown };
  if (typeof name !== 'string' || typeof version !== 'string') return undefined;
  const date = VERSION_DATE.exec(version);
  if (!name.startsWith('@ip-location-db/') || !date) return undefined;
  const [year, month, day, hour] = date.slice(1).map(Number);
  return {
    builtAt: new Date(Date.UTC(year, month - 1, day, hour)),
    builtAtSource: 'package_version',
    package: `${name}@${version}`,
  };
}
