import { IPv4, IPv6 } from 'ipaddr.js';

export type IpFamily = 4 | 6;

/** A parsed IP address: its canonical text, and its bits as 32-bit words for range search. */
export interface IpAddress {
  /** Dotted decimal, or RFC 5952 compressed lower-case IPv6. */
  text: string;
  family: IpFamily;
  /** 1 word for IPv4, 4 big-endian words for IPv6. */
  words: Uint32Array;
  /** ipaddr.js range name: `unicast` for ordinary public addresses, else `private`, `loopback`… */
  range: string;
}

/**
 * Parses an IPv4 or IPv6 address (no brackets, no port). IPv4-mapped IPv6 (`::ffff:a.b.c.d`)
 * becomes the IPv4 address, since that is how every data set files it. IPv4 in any
 * inet_aton notation (`127.1`, `0x7f.0.0.1`) is accepted, as a browser would. Never throws.
 */
export function parseIp(input: string): IpAddress | undefined {
  if (IPv4.isValid(input)) return fromIpv4(IPv4.parse(input));
  if (!IPv6.isValid(input)) return undefined;
  const v6 = IPv6.parse(input);
  if (v6.isIPv4MappedAddress()) return fromIpv4(v6.toIPv4Address());
  // A zone id (`fe80::1%eth0`) names a local interface: no data set knows it.
  v6.zoneId = undefined;
  return {
    text: v6.toRFC5952String(),
    family: 6,
    words: ipv6Words(v6.parts),
    range: v6.range(),
  };
}

function fromIpv4(v4: IPv4): IpAddress {
  const [a, b, c, d] = v4.octets;
  return {
    text: v4.toString(),
    family: 4,
    words: Uint32Array.of(((a << 24) | (b << 16) | (c << 8) | d) >>> 0),
    range: v4.range(),
  };
}

/** Eight 16-bit groups → four 32-bit words. */
export function ipv6Words(parts: readonly number[]): Uint32Array {
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = parts[2 * i] * 0x10000 + parts[2 * i + 1];
  return words;
}
