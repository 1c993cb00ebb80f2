import { createHmac, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';
import {
  ed25519PrivateKey,
  ed25519PublicKey,
  Ed25519PrivateKeyInput,
  Ed25519PublicKeyInput,
} from './ed25519-keys';
import { cachedEd25519PointProblem, isStrictEd25519Signature } from './ed25519-strict';

/** The RFC 9421 algorithms Wissel accepts (registry names, §6.2.2). */
export const SIGNATURE_ALGORITHMS = ['ed25519', 'hmac-sha256'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export function isSignatureAlgorithm(alg: string): alg is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly string[]).includes(alg);
}

/** Key material to sign with. The algorithm travels with the key so they cannot disagree. */
export type SigningKey =
  | { alg: 'ed25519'; privateKey: Ed25519PrivateKeyInput }
  | { alg: 'hmac-sha256'; secret: Uint8Array };

/**
 * Key material to verify with. `id` is the caller's own handle (e.g. a database row) and
 * comes back on success, so the caller knows which of a partner's keys matched.
 */
export type VerificationKey =
  | { alg: 'ed25519'; publicKey: Ed25519PublicKeyInput; id?: string }
  | { alg: 'hmac-sha256'; secret: Uint8Array; id?: string };

const HMAC_SHA256_LENGTH = 32;
const ED25519_SIGNATURE_LENGTH = 64;

export function signBase(key: SigningKey, base: string): Buffer {
  const data = Buffer.from(base, 'utf8');
  if (key.alg === 'hmac-sha256') return createHmac('sha256', key.secret).update(data).digest();
  return sign(null, data, ed25519PrivateKey(key.privateKey));
}

/** True when `signature` is valid for `base` under `key`, using the key's own algorithm. */
export function verifyBase(key: VerificationKey, base: string, signature: Uint8Array): boolean {
  const data = Buffer.from(base, 'utf8');
  if (key.alg === 'hmac-sha256') {
    if (signature.byteLength !== HMAC_SHA256_LENGTH) return false;
    const expected = createHmac('sha256', key.secret).update(data).digest();
    return timingSafeEqual(expected, signature);
  }
  if (signature.byteLength !== ED25519_SIGNATURE_LENGTH) return false;
  if (!isStrictEd25519Signature(signature)) return false;
  const publicKey = ed25519PublicKey(key.publicKey);
  // A key registered before small-order keys were refused must not verify either.
  if (cachedEd25519PointProblem(rawPublicKey(publicKey))) return false;
  return verify(null, data, publicKey, signature);
}

function rawPublicKey(key: KeyObject): Buffer {
  return Buffer.from(String(key.export({ format: 'jwk' }).x), 'base64url');
}
