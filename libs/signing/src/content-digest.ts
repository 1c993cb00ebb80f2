import { createHash, timingSafeEqual } from 'node:crypto';
import { Dictionary, parseDictionary } from 'structured-headers';
import { SignatureError } from './errors';

/** The RFC 9530 hashing algorithms Wissel accepts; others in a header are ignored. */
export const DIGEST_ALGORITHMS = ['sha-256', 'sha-512'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

const NODE_HASH: Record<DigestAlgorithm, string> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

/** The Content-Digest header value for a body, e.g. `sha-256=:X48E…=:`. */
export function contentDigest(body: Uint8Array, alg: DigestAlgorithm = 'sha-256'): string {
  return `${alg}=:${createHash(NODE_HASH[alg]).update(body).digest('base64')}:`;
}

/**
 * Checks a Content-Digest header against the body as received. At least one supported
 * digest must be present and every supported one must match (RFC 9530 §6.7: a sender
 * cannot smuggle a wrong sha-512 next to a right sha-256). Returns the algorithms checked.
 */
export function verifyContentDigest(
  headerValue: string | readonly string[] | undefined,
  body: Uint8Array,
): DigestAlgorithm[] {
  const dictionary = parse(headerValue);
  const checked: DigestAlgorithm[] = [];
  for (const alg of DIGEST_ALGORITHMS) {
    const member = dictionary.get(alg);
    if (member === undefined) continue;
    const [value] = member;
    if (Object.prototype.toString.call(value) !== '[object ArrayBuffer]') {
      throw new SignatureError('digest_invalid', `the ${alg} digest must be a byte sequence`);
    }
    const claimed = Buffer.from(value as ArrayBuffer);
    const actual = createHash(NODE_HASH[alg]).update(body).digest();
    if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual)) {
      throw new SignatureError('digest_mismatch', `the ${alg} digest does not match the body`);
    }
    checked.push(alg);
  }
  if (checked.length === 0) {
    throw new SignatureError(
      'digest_alg_unsupported',
      `Content-Digest has no ${DIGEST_ALGORITHMS.join(' or ')} digest (found: ${[...dictionary.keys()].join(', ')})`,
    );
  }
  return checked;
}

function parse(headerValue: string | readonly string[] | undefined): Dictionary {
  const joined = typeof headerValue === 'string' ? headerValue : headerValue?.join(', ');
  if (joined === undefined || joined.trim() === '') {
    throw new SignatureError('digest_missing', 'the Content-Digest header is missing');
  }
  try {
    return parseDictionary(joined);
  } catch (error) {
    throw new SignatureError(
      'digest_invalid',
      `Content-Digest is not a structured dictionary (RFC 9530 §2): ${(error as Error).message}`,
    );
  }
}
