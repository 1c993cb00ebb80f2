/**
 * Where the synthetic material is "hosted": host names under `.bench.test` answered by the
 * bench's in-process DNS server with addresses from real ranges, so the router's trace and
 * decision run on the packaged geo data as in production. Each address's country and AS were
 * read from the packaged @ip-location-db data (build 2026-06-17); `checkHosting` verifies
 * them again at every run and stops the bench if the data moved.
 */
import type { TestZone } from '../../test/support/dns-test-server';

export type HostingKind = 'country' | 'cdn' | 'unresolved';

export interface HostingEntry {
  /** A short id, also the DNS label: h<k>.<id>.bench.test. */
  id: string;
  kind: HostingKind;
  /** A real address; none for `unresolved` (NXDOMAIN). */
  address?: string;
  /** The geolocated country the packaged data gives the address (country kind). */
  country?: string;
  /** The AS the packaged data gives the address (CDN: one of config/routing.yaml's cdnAsns). */
  asn?: number;
  /** What a sender's own trace says (the canonical/X-ARF hint); none: no hint. */
  hint?: string;
  weight: number;
}

export const DEFAULT_HOSTING: readonly HostingEntry[] = [
  // LeaseWeb Netherlands B.V.: hosted at home → national hotline.
  {
    id: 'nl',
    kind: 'country',
    address: '95.211.184.10',
    country: 'NL',
    asn: 60781,
    hint: 'NL',
    weight: 30,
  },
  // Hetzner Online GmbH → the German partner hotline.
  {
    id: 'de',
    kind: 'country',
    address: '88.198.10.10',
    country: 'DE',
    asn: 24940,
    hint: 'DE',
    weight: 12,
  },
  // OVH SAS → the French partner hotline.
  {
    id: 'fr',
    kind: 'country',
    address: '51.91.10.10',
    country: 'FR',
    asn: 16276,
    hint: 'FR',
    weight: 8,
  },
  // DigitalOcean, London → the British partner hotline (or dropped as a loop for IWF's own).
  {
    id: 'gb',
    kind: 'country',
    address: '46.101.10.10',
    country: 'GB',
    asn: 14061,
    hint: 'GB',
    weight: 8,
  },
  // Microsoft, US → the US reporting centre.
  {
    id: 'us',
    kind: 'country',
    address: '13.107.42.14',
    country: 'US',
    asn: 8068,
    hint: 'US',
    weight: 6,
  },
  // YANDEX LLC: no partner hotline there → international police.
  { id: 'ru', kind: 'country', address: '77.88.55.88', country: 'RU', asn: 13238, weight: 4 },
  // CDN edges: hosting stays unknown (review), whatever the sender hints.
  { id: 'cf', kind: 'cdn', address: '104.16.0.1', asn: 13335, hint: 'NL', weight: 10 },
  { id: 'fastly', kind: 'cdn', address: '151.101.1.69', asn: 54113, weight: 5 },
  // Names that do not resolve: the sender's hint decides, or review without one.
  { id: 'gone', kind: 'unresolved', hint: 'DE', weight: 9 },
  { id: 'void', kind: 'unresolved', weight: 8 },
];

/** Distinct host names per entry (the router caches DNS answers per name). */
export const HOSTS_PER_ENTRY = 25;

export function hostName(entry: HostingEntry, k: number): string {
  return `h${k}.${entry.id}.bench.test`;
}

/** The DNS zone: every host name of every resolvable entry. */
export function hostingZone(entries: readonly HostingEntry[]): TestZone {
  const zone: TestZone = {};
  for (const entry of entries) {
    if (!entry.address) continue;
    const type = entry.address.includes(':') ? 'AAAA' : 'A';
    for (let k = 0; k < HOSTS_PER_ENTRY; k++) {
      zone[hostName(entry, k)] = [{ type, address: entry.address, ttl: 3600 }];
    }
  }
  return zone;
}
