import { createHash } from 'node:crypto';
import {
  Ed25519PrivateJwk,
  Ed25519PublicJwk,
  generateEd25519KeyPair,
  publicJwk,
} from '@wissel/signing';

export interface GeneratedPartnerKey {
  /** Keep secret: store it with mode 0600; never send it anywhere. */
  privateJwk: Ed25519PrivateJwk;
  /** Give this to the Wissel operator to register. */
  publicJwk: Ed25519PublicJwk;
  /** The key id suggested for registration (also the JWKs' `kid`). */
  keyId: string;
}

/**
 * A fresh Ed25519 key pair for signing requests to Wissel. Without a key id, one is made
 * from the key's RFC 7638 thumbprint, so the same key always gets the same suggestion.
 */
export function generatePartnerKey(keyId?: string): GeneratedPartnerKey {
  const pair = generateEd25519KeyPair();
  const kid = keyId ?? `ed25519-${thumbprint(pair.publicJwk).slice(0, 16)}`;
  const withKid = publicJwk(pair.publicKey, kid);
  return { privateJwk: { ...withKid, d: pair.privateJwk.d }, publicJwk: withKid, keyId: kid };
}

/** RFC 7638 §3.2: SHA-256 over the required members (crv, kty, x for OKP) in order. */
export function thumbprint(jwk: Ed25519PublicJwk): string {
  const required = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(required).digest('base64url');
}
