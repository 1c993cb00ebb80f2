import { loadConfig } from '@wissel/config';
import { geoSettings } from './geo-setup';

describe('geoSettings', () => {
  it('turns the configuration into resolver and locator options', () => {
    const settings = geoSettings(
      loadConfig({
        DNS_SERVERS: '127.0.0.1:5353, [::1]:53',
        DNS_DEADLINE_MS: '0',
        GEO_ASN_DB: '/data/asn-v4.csv, /data/asn-v6.csv',
        TRACE_CONCURRENCY: '4',
      }),
    );
    expect(settings).toEqual({
      resolver: {
        servers: ['127.0.0.1:5353', '[::1]:53'],
        timeoutMs: 2000,
        tries: 2,
        minTtlSeconds: 30,
        maxTtlSeconds: 3600,
        negativeTtlSeconds: 300,
        maxCacheEntries: 10_000,
      },
      // Unset paths: the packaged data sets.
      locator: {
        geoCountryDb: undefined,
        registeredCountryDb: undefined,
        asnDb: ['/data/asn-v4.csv', '/data/asn-v6.csv'],
      },
      maxAgeDays: 0,
      concurrency: 4,
    });
    expect(geoSettings(loadConfig({ DNS_DEADLINE_MS: '5000' })).resolver).toMatchObject({
      deadlineMs: 5000,
    });
    expect(geoSettings(loadConfig({})).resolver.servers).toBeUndefined();
  });
});
