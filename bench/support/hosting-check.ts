import { AddressLocator } from '@wissel/geo';
import type { HostingEntry } from './hosting';

/**
 * Looks every hosting address up in the packaged geo data (libs/geo, as the router does) and
 * returns what does not match the table: a data update that moved an address must change the
 * table, never pass silently with other decisions than the figures claim.
 */
export async function checkHosting(entries: readonly HostingEntry[]): Promise<string[]> {
  const locator = await AddressLocator.open();
  const problems: string[] = [];
  for (const entry of entries) {
    if (!entry.address) continue;
    const found = locator.locate(entry.address);
    if (entry.country && found?.geoCountry !== entry.country) {
      problems.push(
        `${entry.id}: ${entry.address} is in ${found?.geoCountry ?? 'no country'}, not ${entry.country}`,
      );
    }
    if (entry.asn !== undefined && found?.asn !== entry.asn) {
      problems.push(
        `${entry.id}: ${entry.address} is on AS${found?.asn ?? '?'}, not AS${entry.asn}`,
      );
    }
  }
  return problems;
}
