import { createPrivateKey, JsonWebKey, KeyObject } from 'node:crypto';
import { SigningKey } from '@wissel/signing';

/** The key a partner signs with: its own Ed25519 private key, or a secret shared with Wissel. */
export type PartnerKey =
  { alg: 'ed25519'; privateKey: KeyObject | JsonWebKey } | { alg: 'hmac-sha256'; secret: Buffer };

/** Shortest HMAC secret accepted: the hash's own output length (RFC 2104 §3). */
export const MIN_HMAC_SECRET_BYTES = 32;

/**
 * Checks a partner key once, up front, and turns it into what libs/signing signs with, so a
 * wrong key fails when the client is built rather than on the first request.
 */
export function toSigningKey(key: PartnerKey): SigningKey {
  if (key.alg === 'hmac-sha256') {
    if (key.secret.byteLength < MIN_HMAC_SECRET_BYTES) {
      throw new TypeError(
        `an HMAC-SHA256 secret must be at least ${MIN_HMAC_SECRET_BYTES} bytes (got ${key.secret.byteLength})`,
      );
    }
    return { alg: 'hmac-sha256', secret: key.secret };
  }
  if (!(key.privateKey instanceof KeyObject) && typeof key.privateKey.d !== 'string') {
    throw new TypeError('this JWK has no "d": it is a public key; sign with the private one');
  }
  const privateKey =
    key.privateKey instanceof KeyObject
      ? key.privateKey
      : createPrivateKey({ key: key.privateKey, format: 'jwk' });
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      `an Ed25519 private key is needed (got ${privateKey.asymmetricKeyType ?? 'a'} ${privateKey.type} key)`,
    );
  }
  return { alg: 'ed25519', privateKey };
}
