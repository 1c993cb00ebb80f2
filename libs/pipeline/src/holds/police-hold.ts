import { domainToASCII } from 'node:url';
import { DomainError, normaliseSuffix, urlKey } from '@wissel/domain';
import { knownHash } from '@wissel/formats';
import { type PoliceHoldKind } from '@wissel/persistence';

/** A hold request that cannot be stored as it is; `field` names what is wrong. */
export class PoliceHoldInvalidError extends DomainError {
  readonly code = 'police_hold_invalid';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, { field });
  }
}

export class PoliceHoldNotFoundError extends DomainError {
  readonly code = 'police_hold_not_found';
}

export const HOLD_KINDS: readonly PoliceHoldKind[] = ['url', 'domain', 'hash', 'asn'];
const MAX_ASN = 4_294_967_295;
const HOST_SUFFIX = /^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})*$/;
const URL_KEY = /^[0-9a-f]{64}$/;

/**
 * The stored form of what a hold covers, so matching is an exact lookup:
 * url → its URL key (SHA-256 of the canonical URL; the key itself is accepted too);
 * domain → a lower-case A-label suffix; hash → `kind:hash` (hex lower-cased);
 * asn → the number (`AS13335` accepted).
 */
export function holdValue(kind: string, value: string): { kind: PoliceHoldKind; value: string } {
  const text = value.trim();
  switch (kind) {
    case 'url': {
      if (URL_KEY.test(text)) return { kind, value: text };
      try {
        return { kind, value: urlKey(text) };
      } catch {
        throw new PoliceHoldInvalidError('value', 'a url hold needs an absolute http(s) URL');
      }
    }
    case 'domain': {
      const suffix = normaliseSuffix(domainToASCII(normaliseSuffix(text)) || text);
      if (!HOST_SUFFIX.test(suffix) || suffix.length > 253) {
        throw new PoliceHoldInvalidError('value', 'a domain hold needs a domain name or suffix');
      }
      return { kind, value: suffix };
    }
    case 'hash': {
      const separator = text.indexOf(':');
      const parsed =
        separator > 0
          ? knownHash(text.slice(0, separator).toLowerCase(), text.slice(separator + 1))
          : 'expected kind:hash';
      if (typeof parsed === 'string') {
        throw new PoliceHoldInvalidError('value', `a hash hold needs kind:hash (${parsed})`);
      }
      return { kind, value: `${parsed.kind}:${parsed.hash}` };
    }
    case 'asn': {
      const digits = /^(?:AS)?([1-9][0-9]{0,9})$/i.exec(text)?.[1];
      if (!digits || Number(digits) > MAX_ASN) {
        throw new PoliceHoldInvalidError('value', 'an asn hold needs an AS number');
      }
      return { kind, value: String(Number(digits)) };
    }
    default:
      throw new PoliceHoldInvalidError('kind', 'kind must be url, domain, hash or asn');
  }
}
