import fc from 'fast-check';
import { IPv4, IPv6 } from 'ipaddr.js';
import { ipv4At, ipv6At } from './fast-ip';
import { ipv6Words } from './ip-address';

const v4Value = (text: string) =>
  IPv4.parse(text).octets.reduce((word, octet) => word * 256 + octet, 0);

function v6(text: string): Uint32Array | undefined {
  const out = new Uint32Array(4);
  return ipv6At(`,${text},`, 1, text.length + 1, out, 0) ? out : undefined;
}

describe('fast address parsers', () => {
  it('read every IPv4 address as ipaddr.js does', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(ipv4At(`x${text}y`, 1, text.length + 1)).toBe(v4Value(text));
      }),
    );
  });

  it('read every IPv6 address without an embedded IPv4 as ipaddr.js does', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        fc.pre(!text.includes('.'));
        expect(v6(text)).toEqual(ipv6Words(IPv6.parse(text).parts));
      }),
      { numRuns: 2000 },
    );
  });

  it('leave leading zeros, short forms and embedded IPv4 to ipaddr.js', () => {
    for (const text of ['010.0.0.1', '127.1', '1.2.3.256', '1.2.3.4.5', '1..2.3', '', '1.2.3.']) {
      expect(ipv4At(text, 0, text.length)).toBe(-1);
    }
    for (const text of [
      '::ffff:1.2.3.4',
      '1::2::3',
      ':::',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      'g::',
      ':1::',
      '1:',
      'fe80::1%eth0',
    ]) {
      expect(v6(text)).toBeUndefined();
    }
  });

  it('expand the compressed forms', () => {
    expect(v6('::')).toEqual(new Uint32Array(4));
    expect(v6('::1')).toEqual(Uint32Array.of(0, 0, 0, 1));
    expect(v6('2001:db8::')).toEqual(Uint32Array.of(0x20010db8, 0, 0, 0));
    expect(v6('1:2:3:4:5:6:7::')).toEqual(Uint32Array.of(0x10002, 0x30004, 0x50006, 0x70000));
    expect(v6('ABCD:ef01::2')).toEqual(Uint32Array.of(0xabcdef01, 0, 0, 2));
  });
});
