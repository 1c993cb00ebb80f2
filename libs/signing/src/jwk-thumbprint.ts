import { createHash } from 'node:crypto';
import { type Ed25519PublicJwk } from './ed25519-keys';

/**
 * The RFC 7638 thumbprint of an OKP public key (base64url SHA-256 of its required members
 * in lexicographic order), so a key can be named and compared without trusting its kid.
 */
export function jwkThumbprint(jwk: Pick<Ed25519PublicJwk, 'kty' | 'crv' | 'x'>): string {
  const members = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(members, 'utf8').digest('base64url');
}
