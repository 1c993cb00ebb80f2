import { toCountryCode } from './country-code';
import { parseIp } from './ip-address';

describe('parseIp', () => {
  it('canonicalises IPv4 in any inet_aton notation, and IPv6 per RFC 5952', () => {
    expect(parseIp('127.1')).toMatchObject({ text: '127.0.0.1', family: 4, range: 'loopback' });
    expect(parseIp('0x68.16.0.1')).toMatchObject({ text: '104.16.0.1', range: 'unicast' });
    expect(parseIp('2001:DB8:0:0:0:0:0:1')).toMatchObject({ text: '2001:db8::1', family: 6 });
    expect(parseIp('2a01:4f8::1')?.words).toEqual(Uint32Array.of(0x2a0104f8, 0, 0, 1));
  });

  it('files an IPv4-mapped IPv6 address as the IPv4 address, as the data sets do', () => {
    expect(parseIp('::ffff:5.9.0.1')).toMatchObject({ text: '5.9.0.1', family: 4 });
  });

  it('drops a zone id and refuses what is not an address', () => {
    expect(parseIp('fe80::1%eth0')).toMatchObject({ text: 'fe80::1', range: 'linkLocal' });
    for (const text of ['', 'example.org', '1.2.3.256', '[::1]', '::1::', ' 1.2.3.4']) {
      expect(parseIp(text)).toBeUndefined();
    }
  });
});

describe('toCountryCode', () => {
  it('keeps assigned ISO 3166-1 alpha-2 codes, upper-cased, and Kosovo', () => {
    expect(toCountryCode('nl')).toBe('NL');
    expect(toCountryCode('DE')).toBe('DE');
    expect(toCountryCode('XK')).toBe('XK');
  });

  it('never makes a country of a pseudo, user-assigned or withdrawn code', () => {
    for (const code of [
      'A1',
      'A2',
      'O1',
      'EU',
      'AP',
      'ZZ',
      'XX',
      'AA',
      'QO',
      'T1',
      'AN',
      'UK',
      '--',
      '',
    ]) {
      expect(toCountryCode(code)).toBeUndefined();
    }
    expect(toCountryCode(undefined)).toBeUndefined();
    expect(toCountryCode(31)).toBeUndefined();
    expect(toCountryCode('NLD')).toBeUndefined();
  });
});
