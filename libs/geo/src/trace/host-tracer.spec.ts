import { DnsTestServer } from '../../../../test/support/dns-test-server';
import { HostResolver } from '../dns/host-resolver';
import { AddressLocator } from '../locate/address-locator';
import { HostTracer } from './host-tracer';

// The whole trace, on real DNS (a loopback test server) and the packaged data sets.
describe('HostTracer', () => {
  let server: DnsTestServer;
  let locator: AddressLocator;
  let resolver: HostResolver;
  let tracer: HostTracer;
  const now = Date.parse('2026-12-01T12:00:00Z');

  beforeAll(async () => {
    [server, locator] = await Promise.all([
      DnsTestServer.start({
        'nl-hoster.test': [{ type: 'A', address: '95.211.0.1', ttl: 3600 }],
        'behind-cdn.test': [
          { type: 'A', address: '104.16.0.1', ttl: 300 },
          { type: 'AAAA', address: '2606:4700::1', ttl: 300 },
        ],
        'frankfurt.test': [{ type: 'AAAA', address: '2a00:1450:4001::1', ttl: 300 }],
        'lan.test': [{ type: 'A', address: '10.0.0.7', ttl: 60 }],
      }),
      AddressLocator.open(),
    ]);
    resolver = new HostResolver({
      servers: [server.address],
      timeoutMs: 500,
      tries: 1,
      clock: () => now,
    });
    tracer = new HostTracer({ resolver, locator, clock: () => now });
  });
  afterAll(async () => {
    resolver.close();
    await server.close();
  });

  it('traces a host to its addresses, countries and AS, with the data sets and the time', async () => {
    const trace = await tracer.trace('NL-Hoster.test');
    expect(trace).toMatchObject({
      host: 'nl-hoster.test',
      outcome: 'resolved',
      addresses: [
        {
          ip: '95.211.0.1',
          family: 4,
          ttl: 3600,
          range: 'unicast',
          geoCountry: 'NL',
          registeredCountry: 'NL',
          asn: 60781,
          asOrganisation: 'LeaseWeb Netherlands B.V.',
          countriesAgree: true,
        },
      ],
      queries: { A: { outcome: 'addresses' }, AAAA: { outcome: 'nodata' } },
      tracedAt: '2026-12-01T12:00:00.000Z',
    });
    expect(trace.dataSets.map((dataSet) => dataSet.name)).toEqual([
      'geolite2-country.mmdb',
      'geo-whois-asn-country.mmdb',
      'asn-ipv4.csv',
    ]);
    expect(trace.dataSets.every((dataSet) => !Number.isNaN(Date.parse(dataSet.builtAt)))).toBe(
      true,
    );
  });

  it('keeps a CDN edge without a hosting country, over both families', async () => {
    const trace = await tracer.trace('behind-cdn.test');
    expect(
      trace.addresses.map(({ ip, geoCountry, registeredCountry, asn }) => ({
        ip,
        geoCountry,
        registeredCountry,
        asn,
      })),
    ).toEqual([
      { ip: '104.16.0.1', geoCountry: undefined, registeredCountry: 'US', asn: 13335 },
      { ip: '2606:4700::1', geoCountry: undefined, registeredCountry: 'US', asn: 13335 },
    ]);
    expect(trace.dataSets.map((dataSet) => dataSet.name)).toContain('asn-ipv6.csv');
  });

  it('shows countries that disagree', async () => {
    const [address] = (await tracer.trace('frankfurt.test')).addresses;
    expect(address).toMatchObject({
      geoCountry: 'DE',
      registeredCountry: 'IE',
      countriesAgree: false,
    });
  });

  it('marks a private address, which no hoster holds', async () => {
    const [address] = (await tracer.trace('lan.test')).addresses;
    expect(address).toEqual({ ip: '10.0.0.7', family: 4, ttl: 60, range: 'private' });
  });

  it('traces an IP literal without DNS, and a failure without addresses or data sets', async () => {
    server.resetCounts();
    const literal = await tracer.trace('[2a01:4f8::1]');
    expect(literal).toMatchObject({
      host: '2a01:4f8::1',
      outcome: 'ip_literal',
      addresses: [{ geoCountry: 'DE', asn: 24940 }],
    });
    expect(literal.addresses[0].ttl).toBeUndefined();
    expect(literal.queries).toBeUndefined();
    expect(server.totalQueries).toBe(0);

    const missing = await tracer.trace('missing.test');
    expect(missing).toMatchObject({ outcome: 'nxdomain', addresses: [], dataSets: [] });
    const onion = await tracer.trace('abcdefghijklmnop.onion');
    expect(onion).toMatchObject({ outcome: 'not_in_dns', addresses: [], dataSets: [] });
    expect(server.queries('abcdefghijklmnop.onion')).toBe(0);
  });
});
