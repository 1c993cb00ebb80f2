import { randomBytes } from 'node:crypto';
import { serializeDictionary } from 'structured-headers';
import { signBase, SigningKey } from './algorithms';
import { DEFAULT_LABEL, WISSEL_COVERED_COMPONENTS } from './defaults';
import { HttpMessage } from './message';
import { signatureBaseOf } from './signature-base';
import { toInnerList } from './signature-params';

export type SignOptions = SigningKey & {
  keyId: string;
  /** Lower-case field names and derived components; Wissel's set by default. */
  components?: readonly string[];
  /** Unix seconds; now by default. */
  created?: number;
  /** Unix seconds after which the signature is void; none by default. */
  expires?: number;
  /** Unique per request (the server refuses a repeat); 128 random bits by default. */
  nonce?: string;
  /** Dictionary key in both headers; "sig" by default. */
  label?: string;
};

// A type alias so it spreads into any headers record.
export type SignatureHeaders = {
  'signature-input': string;
  signature: string;
};

/**
 * Signs a request (RFC 9421 §3.1) and returns the two headers to add. Every signature
 * carries created, keyid, alg and nonce, which is what Wissel's verifier requires.
 */
export function signRequest(message: HttpMessage, options: SignOptions): SignatureHeaders {
  const label = options.label ?? DEFAULT_LABEL;
  const components = (options.components ?? WISSEL_COVERED_COMPONENTS).map((name) =>
    name.toLowerCase(),
  );
  const innerList = toInnerList(components, {
    created: options.created ?? Math.floor(Date.now() / 1000),
    expires: options.expires,
    keyid: options.keyId,
    alg: options.alg,
    nonce: options.nonce ?? randomBytes(16).toString('base64url'),
  });
  const { base } = signatureBaseOf(message, innerList);
  const signature = signBase(options, base);
  return {
    'signature-input': serializeDictionary(new Map([[label, innerList]])),
    signature: serializeDictionary(new Map([[label, [signature, new Map()]]])),
  };
}
