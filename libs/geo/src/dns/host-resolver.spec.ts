import { DnsTestServer } from '../../../../test/support/dns-test-server';
import { HostResolver, type HostResolverOptions } from './host-resolver';

// Real DNS over UDP against a real (test) authoritative server on loopback: no stubs.
describe('HostResolver', () => {
  let server: DnsTestServer;
  let now: number;
  const clock = () => now;
  const opened: HostResolver[] = [];
  const resolver = (options: HostResolverOptions = {}) => {
    const dns = new HostResolver({
      servers: [server.address],
      timeoutMs: 500,
      tries: 1,
      clock,
      ...options,
    });
    opened.push(dns);
    return dns;
  };
  // A query the deadline gave up on is still pending in c-ares: cancel it.
  afterEach(() => opened.splice(0).forEach((dns) => dns.close()));

  beforeAll(async () => {
    server = await DnsTestServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    now = Date.parse('2026-12-01T12:00:00Z');
    server.resetCounts();
    server.setZone({
      'hoster.test': [
        { type: 'A', address: '5.9.0.1', ttl: 600 },
        { type: 'A', address: '5.9.0.2', ttl: 300 },
        { type: 'AAAA', address: '2a01:4f8::1', ttl: 300 },
      ],
      'v4only.test': [{ type: 'A', address: '95.211.0.1', ttl: 120 }],
      'v6only.test': [{ type: 'AAAA', address: '2A01:4F8:0:0::2', ttl: 60 }],
      'short.test': [{ type: 'A', address: '91.121.0.1', ttl: 5 }],
      'long.test': [{ type: 'A', address: '91.121.0.2', ttl: 86400 }],
      'www.alias.test': [{ type: 'CNAME', target: 'edge.cdn.test' }],
      'edge.cdn.test': [{ type: 'CNAME', target: 'v4only.test' }],
      'dangling.test': [{ type: 'CNAME', target: 'gone.test' }],
      'empty.test': [],
      'silent.test': [{ type: 'A', address: '192.0.2.1' }],
      'broken.test': [{ type: 'A', address: '192.0.2.2' }],
      'closed.test': [{ type: 'A', address: '192.0.2.3' }],
    });
  });

  it('looks up A and AAAA, with each record’s TTL', async () => {
    const resolution = await resolver().resolve('Hoster.TEST.');
    expect(resolution).toMatchObject({
      host: 'hoster.test',
      outcome: 'resolved',
      addresses: [
        { ip: '5.9.0.1', family: 4, ttl: 600 },
        { ip: '5.9.0.2', family: 4, ttl: 300 },
        { ip: '2a01:4f8::1', family: 6, ttl: 300 },
      ],
      queries: {
        A: { outcome: 'addresses', fromCache: false, answeredAt: now },
        AAAA: { outcome: 'addresses', fromCache: false },
      },
    });
    expect(server.queries('hoster.test', 'A')).toBe(1);
    expect(server.queries('hoster.test', 'AAAA')).toBe(1);
  });

  it('resolves a host with only AAAA records, and says the A query had no data', async () => {
    const resolution = await resolver().resolve('v6only.test');
    expect(resolution.outcome).toBe('resolved');
    expect(resolution.addresses).toEqual([{ ip: '2a01:4f8::2', family: 6, ttl: 60 }]);
    expect(resolution.queries?.A).toMatchObject({ outcome: 'nodata', code: 'ENODATA' });
  });

  it('follows a CNAME chain to the addresses', async () => {
    const resolution = await resolver().resolve('www.alias.test');
    expect(resolution.addresses).toEqual([{ ip: '95.211.0.1', family: 4, ttl: 120 }]);
    expect((await resolver().resolve('dangling.test')).outcome).toBe('nxdomain');
  });

  it('serves a second lookup from the cache until the TTL has passed', async () => {
    const dns = resolver();
    await dns.resolve('v4only.test');
    now += 119_000;
    const cached = await dns.resolve('v4only.test');
    expect(cached.queries?.A).toMatchObject({ outcome: 'addresses', fromCache: true });
    expect(cached.addresses).toEqual([{ ip: '95.211.0.1', family: 4, ttl: 120 }]);
    expect(server.queries('v4only.test', 'A')).toBe(1);
    now += 1_000;
    const fresh = await dns.resolve('v4only.test');
    expect(fresh.queries?.A.fromCache).toBe(false);
    expect(server.queries('v4only.test', 'A')).toBe(2);
  });

  it('caches for the shortest TTL of an answer', async () => {
    const dns = resolver();
    await dns.resolve('hoster.test');
    now += 299_000;
    await dns.resolve('hoster.test');
    expect(server.queries('hoster.test', 'A')).toBe(1);
    now += 1_000;
    await dns.resolve('hoster.test');
    expect(server.queries('hoster.test', 'A')).toBe(2);
  });

  it('clamps TTLs to the configured minimum and maximum', async () => {
    const dns = resolver({ minTtlSeconds: 30, maxTtlSeconds: 3600 });
    await dns.resolve('short.test');
    await dns.resolve('long.test');
    now += 29_000;
    await dns.resolve('short.test');
    expect(server.queries('short.test', 'A')).toBe(1);
    now += 1_000;
    await dns.resolve('short.test');
    expect(server.queries('short.test', 'A')).toBe(2);
    now += 3570_000;
    await dns.resolve('long.test');
    expect(server.queries('long.test', 'A')).toBe(2);
  });

  it('caches NXDOMAIN and no-data answers for the negative TTL', async () => {
    const dns = resolver({ negativeTtlSeconds: 60 });
    const missing = await dns.resolve('missing.test');
    expect(missing).toMatchObject({ outcome: 'nxdomain', addresses: [] });
    expect(missing.queries?.A).toMatchObject({ outcome: 'nxdomain', code: 'ENOTFOUND' });
    expect((await dns.resolve('empty.test')).outcome).toBe('nodata');
    now += 59_000;
    await dns.resolve('missing.test');
    await dns.resolve('empty.test');
    expect(server.queries('missing.test')).toBe(2);
    expect(server.queries('empty.test')).toBe(2);
    now += 1_000;
    await dns.resolve('missing.test');
    expect(server.queries('missing.test')).toBe(4);
  });

  it('asks again when told to, cache or not', async () => {
    const dns = resolver();
    await dns.resolve('v4only.test');
    const again = await dns.resolve('v4only.test', { fresh: true });
    expect(again.queries?.A.fromCache).toBe(false);
    expect(server.queries('v4only.test', 'A')).toBe(2);
  });

  it('sends one query for concurrent lookups of one name', async () => {
    const dns = resolver();
    const [first, second, third] = await Promise.all([
      dns.resolve('hoster.test'),
      dns.resolve('HOSTER.test'),
      dns.resolve('hoster.test.'),
    ]);
    expect(second.addresses).toEqual(first.addresses);
    expect(third.addresses).toEqual(first.addresses);
    expect(server.queries('hoster.test', 'A')).toBe(1);
    expect(server.queries('hoster.test', 'AAAA')).toBe(1);
  });

  it('reports a silent server as a timeout, bounded by the deadline, and caches nothing', async () => {
    server.silence('silent.test');
    const dns = resolver({ timeoutMs: 2000, deadlineMs: 150 });
    const started = Date.now();
    const resolution = await dns.resolve('silent.test');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(resolution).toMatchObject({ outcome: 'timeout', addresses: [] });
    expect(resolution.queries?.A).toMatchObject({ outcome: 'timeout', code: 'EDEADLINE' });
    await dns.resolve('silent.test');
    expect(server.queries('silent.test', 'A')).toBe(2);
  });

  it('reports c-ares’ own timeout after its tries', async () => {
    server.silence('silent.test');
    const resolution = await resolver({ timeoutMs: 100, tries: 2, deadlineMs: 5000 }).resolve(
      'silent.test',
    );
    expect(resolution.queries?.A).toMatchObject({ outcome: 'timeout', code: 'ETIMEOUT' });
    expect(server.queries('silent.test', 'A')).toBe(2);
  });

  it('reports SERVFAIL and REFUSED as outcomes, not exceptions', async () => {
    server.fail('broken.test', 'SERVFAIL');
    server.fail('closed.test', 'REFUSED');
    const dns = resolver();
    expect((await dns.resolve('broken.test')).outcome).toBe('servfail');
    expect((await dns.resolve('closed.test')).outcome).toBe('refused');
  });

  it('reports an unreachable server as an error outcome', async () => {
    const gone = await DnsTestServer.start();
    const address = gone.address;
    await gone.close();
    const resolution = await resolver({ servers: [address] }).resolve('hoster.test');
    expect(['error', 'timeout']).toContain(resolution.outcome);
  });

  it('returns IP literals as they are, without a query', async () => {
    const dns = resolver();
    expect(await dns.resolve('5.9.0.1')).toEqual({
      host: '5.9.0.1',
      outcome: 'ip_literal',
      addresses: [{ ip: '5.9.0.1', family: 4 }],
    });
    expect(await dns.resolve('[2A01:4F8::1]')).toEqual({
      host: '2a01:4f8::1',
      outcome: 'ip_literal',
      addresses: [{ ip: '2a01:4f8::1', family: 6 }],
    });
    expect((await dns.resolve('2606:4700::1')).outcome).toBe('ip_literal');
    expect(server.totalQueries).toBe(0);
  });

  it('never sends onion or i2p names, nor invalid hosts, to DNS', async () => {
    const dns = resolver();
    expect(
      await dns.resolve('abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion'),
    ).toMatchObject({
      outcome: 'not_in_dns',
      addresses: [],
    });
    expect((await dns.resolve('forum.i2p')).outcome).toBe('not_in_dns');
    expect((await dns.resolve('a b.test')).outcome).toBe('invalid_host');
    expect(server.totalQueries).toBe(0);
  });

  it('uses the configured servers, in order', async () => {
    const other = await DnsTestServer.start({
      'hoster.test': [{ type: 'A', address: '37.48.64.1' }],
    });
    try {
      const dns = resolver({ servers: [other.address, server.address] });
      expect(dns.servers).toEqual([other.address, server.address]);
      const resolution = await dns.resolve('hoster.test');
      expect(resolution.addresses.map((address) => address.ip)).toEqual(['37.48.64.1']);
      expect(other.queries('hoster.test')).toBe(2);
      expect(server.queries('hoster.test')).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('refuses a bad configuration at construction', () => {
    expect(() => new HostResolver({ timeoutMs: 0 })).toThrow(RangeError);
    expect(() => new HostResolver({ minTtlSeconds: 60, maxTtlSeconds: 30 })).toThrow(RangeError);
    expect(() => new HostResolver({ servers: ['dns.example.org'] })).toThrow();
  });
});
