import { sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import {
  ed25519PrivateKey,
  Ed25519PrivateKeyInput,
  ed25519PublicKey,
  Ed25519PublicKeyInput,
} from './ed25519-keys';

/** Wissel's signature on an outbound message; carried in headers next to the message. */
export interface JsonSignature {
  keyId: string;
  alg: 'ed25519';
  /** Ed25519 over the RFC 8785 canonical JSON, base64url without padding. */
  signature: string;
}

/** Signs the canonical JSON of a value, so re-serialising the value does not break it. */
export function signJson(
  value: unknown,
  privateKey: Ed25519PrivateKeyInput,
  keyId: string,
): JsonSignature {
  return signCanonicalText(canonicalJson(value), privateKey, keyId);
}

/** Signs text that already is a value's canonical JSON (so a sender canonicalises once). */
export function signCanonicalText(
  text: string,
  privateKey: Ed25519PrivateKeyInput,
  keyId: string,
): JsonSignature {
  const signature = sign(null, Buffer.from(text, 'utf8'), ed25519PrivateKey(privateKey));
  return { keyId, alg: 'ed25519', signature: signature.toString('base64url') };
}

/** True when `signature` (base64url or base64) is Ed25519 over the value's canonical JSON. */
export function verifyJson(
  value: unknown,
  signature: string,
  publicKey: Ed25519PublicKeyInput,
): boolean {
  if (!/^[A-Za-z0-9+/_-]{86}(==)?$/.test(signature)) return false;
  const data = Buffer.from(canonicalJson(value), 'utf8');
  return verify(null, data, ed25519PublicKey(publicKey), Buffer.from(signature, 'base64url'));
}
