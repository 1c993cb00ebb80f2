import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { staleDataSets } from '../data/data-set';
import { defaultDataSetPaths } from '../data/default-data-sets';
import { AddressLocator } from './address-locator';

/**
 * Against the packaged @ip-location-db data, with well-known, long-held addresses. When a
 * data update moves one of them, pick another address: never loosen the assertion.
 */
describe('AddressLocator with the packaged data sets', () => {
  let locator: AddressLocator;
  beforeAll(async () => {
    locator = await AddressLocator.open();
  });

  const facts = (ip: string) => {
    const { dataSets: _, ...rest } = locator.locate(ip)!;
    return rest;
  };

  it('places a Dutch hoster: LeaseWeb, AS60781', () => {
    expect(facts('95.211.0.1')).toEqual({
      ip: '95.211.0.1',
      family: 4,
      range: 'unicast',
      geoCountry: 'NL',
      registeredCountry: 'NL',
      asn: 60781,
      asOrganisation: 'LeaseWeb Netherlands B.V.',
      countriesAgree: true,
    });
  });

  it('places a German hoster: Hetzner, AS24940, over IPv4 and IPv6', () => {
    const hetzner = {
      geoCountry: 'DE',
      registeredCountry: 'DE',
      asn: 24940,
      asOrganisation: 'Hetzner Online GmbH',
      countriesAgree: true,
    };
    expect(facts('5.9.0.1')).toMatchObject({ family: 4, ...hetzner });
    expect(facts('2a01:4f8:c17::1')).toMatchObject({
      ip: '2a01:4f8:c17::1',
      family: 6,
      ...hetzner,
    });
    expect(facts('::ffff:5.9.0.1')).toMatchObject({ ip: '5.9.0.1', family: 4, ...hetzner });
  });

  it('places a French hoster: OVH, AS16276', () => {
    expect(facts('91.121.0.1')).toMatchObject({
      geoCountry: 'FR',
      registeredCountry: 'FR',
      asn: 16276,
      asOrganisation: 'OVH SAS',
      countriesAgree: true,
    });
  });

  it('gives a CDN edge no geolocated country: Cloudflare anycast, AS13335', () => {
    for (const ip of ['104.16.0.1', '2606:4700::1']) {
      const edge = facts(ip);
      expect(edge).toMatchObject({
        registeredCountry: 'US',
        asn: 13335,
        asOrganisation: 'Cloudflare, Inc.',
      });
      expect(edge.geoCountry).toBeUndefined();
      expect(edge.countriesAgree).toBeUndefined();
    }
  });

  it('shows when the geolocated and registered countries disagree: Google in Frankfurt', () => {
    // 2a00:1450:4001::/48 serves from Frankfurt; the block is registered to Google Ireland.
    expect(facts('2a00:1450:4001::1')).toMatchObject({
      geoCountry: 'DE',
      registeredCountry: 'IE',
      asn: 15169,
      asOrganisation: 'Google LLC',
      countriesAgree: false,
    });
  });

  it('places a country without a partner hotline in config/routing.yaml: Yandex, Russia', () => {
    expect(facts('77.88.8.8')).toMatchObject({
      geoCountry: 'RU',
      registeredCountry: 'RU',
      asn: 13238,
      asOrganisation: 'YANDEX LLC',
    });
  });

  it('lets the more specific row win where the ASN file overlaps itself', () => {
    // 214.95.0.0–215.0.255.255 is AS749, 215.0.0.0–215.1.3.255 is AS721.
    expect(facts('214.95.0.1').asn).toBe(749);
    expect(facts('215.0.0.5').asn).toBe(721);
    expect(facts('215.1.0.1').asn).toBe(721);
  });

  it('says nothing about private or reserved addresses but their range', () => {
    expect(facts('10.1.2.3')).toEqual({ ip: '10.1.2.3', family: 4, range: 'private' });
    expect(facts('fd00::1')).toEqual({ ip: 'fd00::1', family: 6, range: 'uniqueLocal' });
    expect(locator.locate('not an address')).toBeUndefined();
  });

  it('names the data sets consulted for the address family, with their build dates', () => {
    const names = (ip: string) => locator.locate(ip)!.dataSets.map((dataSet) => dataSet.name);
    expect(names('5.9.0.1')).toEqual([
      'geolite2-country.mmdb',
      'geo-whois-asn-country.mmdb',
      'asn-ipv4.csv',
    ]);
    expect(names('2a01:4f8::1')).toEqual([
      'geolite2-country.mmdb',
      'geo-whois-asn-country.mmdb',
      'asn-ipv6.csv',
    ]);

    const packaged = (path: string) =>
      JSON.parse(readFileSync(join(dirname(path), 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      };
    const paths = defaultDataSetPaths();
    const asn = packaged(paths.asn[0]);
    const [, year, month, day, hour] = /(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(asn.version)!;
    const versionDate = Date.UTC(+year, +month - 1, +day, +hour);
    const [geo, registered, asnV4, asnV6] = locator.dataSets;
    expect(asnV4).toMatchObject({
      role: 'asn',
      format: 'csv',
      builtAt: new Date(versionDate).toISOString(),
      builtAtSource: 'package_version',
      package: `${asn.name}@${asn.version}`,
    });
    expect(asnV6.builtAt).toBe(asnV4.builtAt);
    for (const mmdb of [geo, registered]) {
      expect(mmdb).toMatchObject({
        format: 'mmdb',
        builtAtSource: 'mmdb_build_epoch',
        families: [4, 6],
      });
      // The mmdb build_epoch falls within the hour the package version names.
      expect(Date.parse(mmdb.builtAt) - versionDate).toBeGreaterThanOrEqual(0);
      expect(Date.parse(mmdb.builtAt) - versionDate).toBeLessThan(3600_000);
    }
    expect(geo.role).toBe('geo_country');
    expect(registered.role).toBe('registered_country');
  });

  it('lets readiness find stale data sets', () => {
    const builtAt = Date.parse(locator.dataSets[0].builtAt);
    const day = 86_400_000;
    expect(staleDataSets(locator.dataSets, builtAt + day, 30 * day)).toEqual([]);
    expect(staleDataSets(locator.dataSets, builtAt + 31 * day, 30 * day)).toHaveLength(4);
  });
});

describe('AddressLocator with operator-chosen files', () => {
  it('reads each role from the files given, in order, a comma-separated list included', async () => {
    const paths = defaultDataSetPaths();
    const geoDir = dirname(paths.geo_country[0]);
    const registeredDir = dirname(paths.registered_country[0]);
    const locator = await AddressLocator.open({
      geoCountryDb: `${join(geoDir, 'geolite2-country-ipv4.mmdb')}, ${join(geoDir, 'geolite2-country-ipv6.mmdb')}`,
      registeredCountryDb: [join(registeredDir, 'geo-whois-asn-country-ipv6.mmdb')],
      asnDb: paths.asn[1],
    });
    expect(locator.dataSets.map((dataSet) => [dataSet.role, dataSet.name])).toEqual([
      ['geo_country', 'geolite2-country-ipv4.mmdb'],
      ['geo_country', 'geolite2-country-ipv6.mmdb'],
      ['registered_country', 'geo-whois-asn-country-ipv6.mmdb'],
      ['asn', 'asn-ipv6.csv'],
    ]);
    const { dataSets: _, ...v4 } = locator.locate('5.9.0.1')!;
    expect(v4).toEqual({ ip: '5.9.0.1', family: 4, range: 'unicast', geoCountry: 'DE' });
    expect(locator.locate('2a01:4f8::1')).toMatchObject({
      geoCountry: 'DE',
      registeredCountry: 'DE',
      asn: 24940,
    });
  });

  it('gives no country for a pseudo-code, but records the code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wissel-geo-'));
    const csv = join(dir, 'pseudo-country.csv');
    writeFileSync(csv, '192.0.2.0,192.0.2.255,A1\n198.51.100.0,198.51.100.255,EU\n');
    const paths = defaultDataSetPaths();
    const locator = await AddressLocator.open({
      geoCountryDb: [csv, ...paths.geo_country],
      registeredCountryDb: [csv],
      asnDb: paths.asn,
    });
    const { dataSets: _, ...located } = locator.locate('198.51.100.7')!;
    expect(located).toMatchObject({ geoPseudoCountry: 'EU', registeredPseudoCountry: 'EU' });
    expect(located).not.toHaveProperty('geoCountry');
    expect(located).not.toHaveProperty('registeredCountry');
    expect(locator.locate('192.0.2.1')).toMatchObject({ geoPseudoCountry: 'A1' });
    expect(locator.locate('5.9.0.1')).not.toHaveProperty('geoPseudoCountry');
  });

  it('fails at start-up on a missing file', async () => {
    await expect(AddressLocator.open({ asnDb: '/nonexistent/asn.csv' })).rejects.toThrow(/asn/);
    await expect(AddressLocator.open({ geoCountryDb: '/nonexistent/x.mmdb' })).rejects.toThrow(
      /geo_country/,
    );
  });
});
