import { domainToASCII } from 'node:url';
import { IPv6 } from 'ipaddr.js';
import { parseIp, type IpAddress } from '../address/ip-address';

/**
 * Names that are not in the global DNS by definition (RFC 6761, 7686, 9476, ICANN's
 * `.internal`). They are never sent to a resolver: a query for an onion name would tell
 * the resolver's operator what Wissel is looking into, and cannot succeed anyway.
 */
const NOT_IN_DNS = ['onion', 'i2p', 'exit', 'alt', 'localhost', 'local', 'invalid', 'internal'];

export type HostKind =
  | { kind: 'ip'; ip: IpAddress }
  | { kind: 'name'; name: string }
  | { kind: 'not_in_dns'; name: string; suffix: string }
  | { kind: 'invalid' };

/**
 * What a host is, without asking anyone: an IP literal (IPv4, IPv6, bracketed IPv6), a
 * name to look up (lower case, A-labels, no trailing dot), a special-use name, or not a
 * host at all (empty, too long, a label over 63 characters, characters DNS names do not
 * carry). Never throws.
 */
export function classifyHost(host: string): HostKind {
  if (typeof host !== 'string' || host.length === 0 || host.length > 1024) {
    return { kind: 'invalid' };
  }
  if (host.startsWith('[')) {
    // Only IPv6 goes in brackets (`[1.2.3.4]` is refused by URL parsers too).
    const inner = host.endsWith(']') ? host.slice(1, -1) : '';
    const ip = IPv6.isValid(inner) ? parseIp(inner) : undefined;
    return ip ? { kind: 'ip', ip } : { kind: 'invalid' };
  }
  const bare = host.endsWith('.') ? host.slice(0, -1) : host;
  const ip = parseIp(bare);
  if (ip) return { kind: 'ip', ip };
  // domainToASCII parses a URL host: it would stop at '/' or '@' and decode '%41'.
  if (/[^A-Za-z0-9._\-\u0080-\uffff]/.test(bare)) return { kind: 'invalid' };
  const name = domainToASCII(bare);
  if (!isDnsName(name)) return { kind: 'invalid' };
  const suffix = NOT_IN_DNS.find((special) => name === special || name.endsWith(`.${special}`));
  if (suffix) return { kind: 'not_in_dns', name, suffix };
  return { kind: 'name', name };
}

function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name
    .split('.')
    .every((label) => label.length > 0 && label.length <= 63 && /^[a-z0-9_-]+$/.test(label));
}
